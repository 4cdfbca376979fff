namespace DataBridge.Arrow;

/// <summary>
/// An insertion-ordered set of byte-string keys, numbered 0, 1, 2... in insertion order, looked up
/// without allocating (keys are copied once into one growing byte store). Dictionary builders use it
/// to map an encoded value to its dictionary index.
/// </summary>
internal sealed class ByteKeyTable
{
    private byte[] _store = new byte[256];
    private int _storeLength;
    private (int Start, int Length, int Hash)[] _entries = new (int, int, int)[16];
    private int[] _buckets = NewBuckets(32);
    private int _count;

    /// <summary>Number of distinct keys.</summary>
    public int Count => _count;

    /// <summary>The entry number of <paramref name="key"/>, or -1 when absent.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        int mask = _buckets.Length - 1;
        for (int bucket = hash & mask; _buckets[bucket] >= 0; bucket = (bucket + 1) & mask)
        {
            (int start, int length, int h) = _entries[_buckets[bucket]];
            if (h == hash && _store.AsSpan(start, length).SequenceEqual(key))
            {
                return _buckets[bucket];
            }
        }

        return -1;
    }

    /// <summary>Finds <paramref name="key"/> or adds it as entry <see cref="Count"/>.</summary>
    /// <param name="key">The key bytes.</param>
    /// <param name="index">The entry number of the key.</param>
    /// <returns>True when the key was added, false when it was already present.</returns>
    public bool TryAdd(ReadOnlySpan<byte> key, out int index)
    {
        int hash = Hash(key);
        int mask = _buckets.Length - 1;
        int bucket = hash & mask;
        while (_buckets[bucket] >= 0)
        {
            (int start, int length, int h) = _entries[_buckets[bucket]];
            if (h == hash && _store.AsSpan(start, length).SequenceEqual(key))
            {
                index = _buckets[bucket];
                return false;
            }

            bucket = (bucket + 1) & mask;
        }

        index = _count;
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }

        if (_storeLength + key.Length > _store.Length)
        {
            Array.Resize(ref _store, Math.Max(_store.Length * 2, _storeLength + key.Length));
        }

        key.CopyTo(_store.AsSpan(_storeLength));
        _entries[_count] = (_storeLength, key.Length, hash);
        _storeLength += key.Length;
        _buckets[bucket] = _count;
        _count++;

        // Keep the load factor at most 1/2 so probe sequences stay short.
        if (_count * 2 > _buckets.Length)
        {
            Rehash(_buckets.Length * 2);
        }

        return true;
    }

    /// <summary>Forgets every key.</summary>
    public void Clear()
    {
        _count = 0;
        _storeLength = 0;
        _buckets.AsSpan().Fill(-1);
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode() & int.MaxValue;
    }

    private static int[] NewBuckets(int size)
    {
        var buckets = new int[size];
        buckets.AsSpan().Fill(-1);
        return buckets;
    }

    private void Rehash(int size)
    {
        _buckets = NewBuckets(size);
        int mask = size - 1;
        for (int i = 0; i < _count; i++)
        {
            int bucket = _entries[i].Hash & mask;
            while (_buckets[bucket] >= 0)
            {
                bucket = (bucket + 1) & mask;
            }

            _buckets[bucket] = i;
        }
    }
}
