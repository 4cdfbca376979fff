using System.Runtime.InteropServices;
using Python.Runtime;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// The in-process peer: pythonnet 3.2.1 over Debian's libpython3.11 (numpy 1.24, pandas 1.5 from its
/// dist-packages). The interpreter is initialised once per process; each call takes the GIL for its whole
/// length. Numeric columns reach numpy without a copy: the .NET arrays are pinned for the call and
/// <c>np.frombuffer</c> wraps a ctypes array at their address (pandas' <c>DataFrame</c> constructor then
/// copies them into its blocks, as it does for any numpy input). A string column is one UTF-8 buffer plus
/// int32 offsets (<see cref="Utf8Column"/>): <c>ctypes.string_at</c> copies the buffer once into a
/// <c>bytes</c>, and a list comprehension decodes each value into a <c>str</c>. Results are copied back once:
/// each numeric column (<c>np.ascontiguousarray</c> of the result column, a view when it already is) by
/// <see cref="Buffer.MemoryCopy"/> into a new .NET array; each string column is joined and encoded by Python
/// into one UTF-8 buffer with int32 offsets (one <c>"".join</c> and <c>encode</c> when the text is ASCII,
/// else value by value), both copied into new .NET arrays.
/// </summary>
internal sealed class PythonnetPeer : IDisposable
{
    /// <summary>Debian's shared Python runtime (package <c>libpython3.11</c>).</summary>
    public const string LibPython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";

    private const string DistPackages = "/usr/lib/python3/dist-packages";

    private const string Module = """
        import ctypes
        import numpy as np
        import pandas as pd


        def _view(address, count, dtype):
            # count values at address, in .NET memory pinned for the call: no copy.
            dtype = np.dtype(dtype)
            return np.frombuffer((ctypes.c_char * (count * dtype.itemsize)).from_address(address), dtype=dtype)


        def _address(array):
            return array.__array_interface__["data"][0]


        def run(columns, n):
            data = {}
            for name, kind, address, offsets, size in columns:
                if kind == "utf8":
                    raw = ctypes.string_at(address, size)
                    o = _view(offsets, n + 1, "<i4").tolist()
                    data[name] = [raw[i:j].decode() for i, j in zip(o, o[1:])]
                else:
                    data[name] = _view(address, n, kind)
            df = transform(pd.DataFrame(data, copy=False))
            out = []
            for name in df.columns:
                values = df[name].to_numpy()
                if values.dtype == object:
                    text = "".join(values)
                    raw = text.encode()
                    if len(raw) == len(text):
                        lengths = np.fromiter(map(len, values), np.int32, len(values))
                    else:
                        encoded = [v.encode() for v in values]
                        raw = b"".join(encoded)
                        lengths = np.fromiter(map(len, encoded), np.int32, len(values))
                    offsets = np.zeros(len(values) + 1, np.int32)
                    np.cumsum(lengths, out=offsets[1:])
                    view = np.frombuffer(raw, np.uint8)
                    out.append((str(name), "utf8", _address(view), len(raw), _address(offsets), (raw, view, offsets)))
                else:
                    values = np.ascontiguousarray(values)
                    kind = {"float64": "<f8", "int64": "<i8"}[values.dtype.name]
                    out.append((str(name), kind, _address(values), values.nbytes, 0, values))
            return len(df), out


        def nothing():
            pass
        """;

    private static readonly Lock Gate = new();
    private static bool s_initialized;

    private readonly PyModule _scope;
    private readonly PyObject _run;
    private readonly PyObject _nothing;

    private PythonnetPeer(PyModule scope)
    {
        _scope = scope;
        _run = scope.Get("run");
        _nothing = scope.Get("nothing");
    }

    /// <summary>Why this peer cannot run here, or null when it can.</summary>
    public static string? Unavailable() =>
        File.Exists(LibPython) ? null : $"{LibPython} is missing (apt-get install libpython3.11)";

    /// <summary>Initialises the interpreter (once per process) and defines <paramref name="transform"/> in a fresh module.</summary>
    public static PythonnetPeer Start(string? transform)
    {
        EnsureInterpreter();
        using (Py.GIL())
        {
            PyModule scope = Py.CreateScope();
            scope.Exec((transform ?? "def transform(df):\n    return df") + "\n" + Module);
            return new PythonnetPeer(scope);
        }
    }

    /// <summary>One call: the input's columns in, the transform's output columns out (<c>double[]</c>, <c>long[]</c>, <see cref="Utf8Column"/>).</summary>
    public (string[] Names, object[] Columns) Run(PeerInput input)
    {
        if (input.Transform is null)
        {
            using (Py.GIL())
            {
                _nothing.Invoke().Dispose();
            }

            return ([], []);
        }

        var pins = new List<GCHandle>();
        try
        {
            using (Py.GIL())
            {
                using var columns = new PyList();
                for (int c = 0; c < input.Columns.Length; c++)
                {
                    Utf8Column? utf8 = input.Utf8[c];
                    using PyObject column = utf8 is null
                        ? Describe(input.Names[c], input.Columns[c] is double[] ? "<f8" : "<i8", Pin(input.Columns[c], pins), 0, 0)
                        : Describe(input.Names[c], "utf8", Pin(utf8.Data, pins), Pin(utf8.Offsets, pins), utf8.Data.Length);
                    columns.Append(column);
                }

                using var rows = new PyInt(input.Rows);
                using PyObject result = _run.Invoke(columns, rows);
                return CopyOut(result);
            }
        }
        finally
        {
            foreach (GCHandle pin in pins)
            {
                pin.Free();
            }
        }
    }

    /// <summary>The interpreter stays up until the process exits (pythonnet cannot initialise it twice); only the module is dropped.</summary>
    public void Dispose()
    {
        using (Py.GIL())
        {
            _run.Dispose();
            _nothing.Dispose();
            _scope.Dispose();
        }
    }

    private static void EnsureInterpreter()
    {
        lock (Gate)
        {
            if (s_initialized)
            {
                return;
            }

            Runtime.PythonDLL = LibPython;
            PythonEngine.Initialize();
            using (Py.GIL())
            {
                using PyModule scope = Py.CreateScope();
                scope.Exec($"import sys\nif {PyQuote(DistPackages)} not in sys.path:\n    sys.path.append({PyQuote(DistPackages)})");
            }

            // The initialising thread holds the GIL; release it so that every call takes it (Py.GIL) on any thread.
            PythonEngine.BeginAllowThreads();
            s_initialized = true;
        }
    }

    private static string PyQuote(string s) => "'" + s + "'";

    private static long Pin(Array array, List<GCHandle> pins)
    {
        GCHandle pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        pins.Add(pin);
        return Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
    }

    private static PyTuple Describe(string name, string kind, long address, long offsets, long size)
    {
        using var pyName = new PyString(name);
        using var pyKind = new PyString(kind);
        using var pyAddress = new PyInt(address);
        using var pyOffsets = new PyInt(offsets);
        using var pySize = new PyInt(size);
        return new PyTuple([pyName, pyKind, pyAddress, pyOffsets, pySize]);
    }

    private static unsafe (string[] Names, object[] Columns) CopyOut(PyObject result)
    {
        using PyObject pyRows = result[0];
        using PyObject pyColumns = result[1];
        int rows = pyRows.As<int>();
        int count = checked((int)pyColumns.Length());
        var names = new string[count];
        var columns = new object[count];
        for (int c = 0; c < count; c++)
        {
            using PyObject column = pyColumns[c];
            using PyObject pyName = column[0];
            using PyObject pyKind = column[1];
            using PyObject pyAddress = column[2];
            using PyObject pySize = column[3];
            using PyObject pyOffsets = column[4];
            names[c] = pyName.As<string>();
            var address = (void*)pyAddress.As<long>();
            long size = pySize.As<long>();
            switch (pyKind.As<string>())
            {
                case "<f8":
                    columns[c] = Copy<double>(address, rows, size);
                    break;
                case "<i8":
                    columns[c] = Copy<long>(address, rows, size);
                    break;
                default:
                    columns[c] = new Utf8Column(Copy<byte>(address, checked((int)size), size), Copy<int>((void*)pyOffsets.As<long>(), rows + 1, (rows + 1) * 4L));
                    break;
            }
        }

        return (names, columns);
    }

    /// <summary>A new .NET array of <paramref name="count"/> values copied from <paramref name="size"/> bytes at <paramref name="address"/>.</summary>
    private static unsafe T[] Copy<T>(void* address, int count, long size)
        where T : unmanaged
    {
        var values = new T[count];
        fixed (T* target = values)
        {
            Buffer.MemoryCopy(address, target, (long)count * sizeof(T), size);
        }

        return values;
    }
}
