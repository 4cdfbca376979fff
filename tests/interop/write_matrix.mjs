#!/usr/bin/env node
// write_matrix.mjs -- writes a matrix of Arrow IPC streams with apache-arrow (JS), one file per case, so that
// DataBridge's reader can be checked against the JS implementation (tests/DataBridge.Tests/Interop).
//
// usage: node write_matrix.mjs OUTDIR        writes OUTDIR/<case>.arrows and prints the case names
//
// Values are pseudo-random but deterministic (seeded), drawn over the whole bit range of each type (so
// integers hit their extremes, floats NaN/Infinity/-0/subnormals), with ~20% nulls. Cases cover every type
// DataBridge supports, empty batches, several batches, sliced batches, dictionary replacement and deltas.

import fs from 'node:fs';
import path from 'node:path';
import * as A from 'apache-arrow';

// ------------------------------------------------------------------ deterministic randomness
function prng(seed) {
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

const ALPHABET = ['a', 'b', 'z', '0', ' ', 'é', 'ß', '€', '矢', '😀', '\u0000', '"', '\\', '\n'];

// ------------------------------------------------------------------ raw buffer helpers
function validity(n, r, nullable) {
  const valid = Array.from({ length: n }, () => !nullable || !r.chance(0.2));
  const bitmap = new Uint8Array(Math.max(1, Math.ceil(n / 8)));
  let nullCount = 0;
  valid.forEach((v, i) => { if (v) bitmap[i >> 3] |= 1 << (i & 7); else nullCount++; });
  return { valid, nullCount, nullBitmap: nullCount ? bitmap : new Uint8Array(0) };
}

function bitsFrom(flags) {
  const out = new Uint8Array(Math.max(1, Math.ceil(flags.length / 8)));
  flags.forEach((f, i) => { if (f) out[i >> 3] |= 1 << (i & 7); });
  return out;
}

const SPECIAL_F64 = [NaN, Infinity, -Infinity, -0, 0, 1.5, -2.25, Number.MIN_VALUE, Number.MAX_VALUE, 0.1];
const SPECIAL_F32 = [NaN, Infinity, -Infinity, -0, 0, 1.5, 0.1, 3.4028234663852886e38, 1.401298464324817e-45];
const SPECIAL_F16 = [0x7e00, 0x7c00, 0xfc00, 0x8000, 0x0000, 0x3c00, 0x0001, 0x7bff, 0xc000];

/** Bytes of n fixed-width values of `width` bytes; floats mix special values with random bit patterns. */
function fixedBytes(type, n, r, width) {
  const bytes = r.bytes(n * width);
  const dv = new DataView(bytes.buffer);
  if (type.typeId === A.Type.Float) {
    for (let i = 0; i < n; i++) {
      if (!r.chance(0.5)) continue; // keep the random bit pattern
      if (type.precision === A.Precision.HALF) dv.setUint16(i * 2, SPECIAL_F16[r.int(0, SPECIAL_F16.length - 1)], true);
      else if (type.precision === A.Precision.SINGLE) dv.setFloat32(i * 4, SPECIAL_F32[r.int(0, SPECIAL_F32.length - 1)], true);
      else dv.setFloat64(i * 8, SPECIAL_F64[r.int(0, SPECIAL_F64.length - 1)], true);
    }
  }
  return bytes;
}

function byteWidth(type) {
  switch (type.typeId) {
    case A.Type.Int: return type.bitWidth / 8;
    case A.Type.Float: return [2, 4, 8][type.precision];
    case A.Type.Decimal: return (type.bitWidth ?? 128) / 8;
    case A.Type.Date: return type.unit === A.DateUnit.DAY ? 4 : 8;
    case A.Type.Time: return type.bitWidth / 8;
    case A.Type.Timestamp: case A.Type.Duration: return 8;
    case A.Type.Interval: return [4, 8, 16][type.unit];
    case A.Type.FixedSizeBinary: return type.byteWidth;  // may be 0
    default: return 0;
  }
}

// ------------------------------------------------------------------ random Data of any type
function gen(type, n, r, nullable = true) {
  const T = A.Type;
  if (A.DataType.isDictionary(type)) {
    const dictSize = r.int(1, 6);
    const dictionary = new A.Vector([gen(type.dictionary, dictSize, r, true)]);
    return indicesFor(type, n, r, nullable, dictSize, dictionary);
  }
  switch (type.typeId) {
    case T.Null: return A.makeData({ type, length: n, nullCount: n });
    case T.Union: return genUnion(type, n, r);
    default: break;
  }
  const { valid, nullCount, nullBitmap } = validity(n, r, nullable);
  switch (type.typeId) {
    case T.Bool:
      return A.makeData({ type, length: n, nullCount, nullBitmap, data: bitsFrom(valid.map(() => r.chance(0.5))) });
    case T.Utf8: case T.LargeUtf8: case T.Binary: case T.LargeBinary: {
      const large = type.typeId === T.LargeUtf8 || type.typeId === T.LargeBinary;
      const chunks = valid.map((v) => {
        if (!v) return new Uint8Array(0);
        if (type.typeId === T.Utf8 || type.typeId === T.LargeUtf8) {
          const s = Array.from({ length: r.int(0, 6) }, () => ALPHABET[r.int(0, ALPHABET.length - 1)]).join('');
          return new TextEncoder().encode(s);
        }
        return r.bytes(r.int(0, 8));
      });
      const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
      let total = 0;
      chunks.forEach((c, i) => { total += c.length; offsets[i + 1] = large ? BigInt(total) : total; });
      const data = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) { data.set(c, at); at += c.length; }
      return A.makeData({ type, length: n, nullCount, nullBitmap, valueOffsets: offsets, data });
    }
    case T.List: case T.LargeList: case T.Map: {
      const large = type.typeId === T.LargeList;
      const lengths = valid.map((v) => (v ? r.int(0, 4) : 0));
      const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
      let total = 0;
      lengths.forEach((l, i) => { total += l; offsets[i + 1] = large ? BigInt(total) : total; });
      const childField = type.children[0];
      const child = type.typeId === T.Map ? genStruct(childField.type, total, r, false) : gen(childField.type, total, r, childField.nullable);
      return A.makeData({ type, length: n, nullCount, nullBitmap, valueOffsets: offsets, child });
    }
    case T.FixedSizeList: {
      const f = type.children[0];
      return A.makeData({ type, length: n, nullCount, nullBitmap, child: gen(f.type, n * type.listSize, r, f.nullable) });
    }
    case T.Struct: {
      const children = type.children.map((f) => gen(f.type, n, r, f.nullable));
      return A.makeData({ type, length: n, nullCount, nullBitmap, children });
    }
    default: {
      const width = byteWidth(type);
      if (width === 0 && type.typeId !== A.Type.FixedSizeBinary) throw new Error(`gen: unsupported type ${type}`);
      return A.makeData({ type, length: n, nullCount, nullBitmap, data: fixedBytes(type, n, r, width) });
    }
  }
}

function genStruct(type, n, r, nullable) {
  const { nullCount, nullBitmap } = validity(n, r, nullable);
  const children = type.children.map((f) => gen(f.type, n, r, f.nullable));
  return A.makeData({ type, length: n, nullCount, nullBitmap, children });
}

function genUnion(type, n, r) {
  const ids = Array.from(type.typeIds);
  const picks = Array.from({ length: n }, () => r.int(0, ids.length - 1));
  const typeIds = Int8Array.from(picks.map((k) => ids[k]));
  if (type.mode === A.UnionMode.Sparse) {
    const children = type.children.map((f) => gen(f.type, n, r, true));
    return A.makeData({ type, length: n, nullCount: 0, typeIds, children });
  }
  const counts = ids.map(() => 0);
  const valueOffsets = Int32Array.from(picks.map((k) => counts[k]++));
  const children = type.children.map((f, k) => gen(f.type, counts[k], r, true));
  return A.makeData({ type, length: n, nullCount: 0, typeIds, valueOffsets, children });
}

function indicesFor(type, n, r, nullable, dictSize, dictionary) {
  const { valid, nullCount, nullBitmap } = validity(n, r, nullable);
  const w = type.indices.bitWidth / 8;
  const bytes = new Uint8Array(Math.max(n * w, 0));
  const dv = new DataView(bytes.buffer);
  valid.forEach((v, i) => {
    const k = v ? r.int(0, dictSize - 1) : 0;
    if (w === 1) dv.setUint8(i, k); else if (w === 2) dv.setUint16(i * 2, k, true);
    else if (w === 4) dv.setUint32(i * 4, k, true); else dv.setBigUint64(i * 8, BigInt(k), true);
  });
  return A.makeData({ type, length: n, nullCount, nullBitmap, data: bytes, dictionary });
}

// ------------------------------------------------------------------ cases
const f = (name, type, nullable = true, metadata) => new A.Field(name, type, nullable, metadata);
const utf8 = () => new A.Utf8();
const dict = (values, indices, id, ordered = false) => new A.Dictionary(values, indices, id, ordered);

const PRIMITIVE = () => [
  f('null', new A.Null()), f('bool', new A.Bool()),
  f('i8', new A.Int8()), f('i16', new A.Int16()), f('i32', new A.Int32()), f('i64', new A.Int64()),
  f('u8', new A.Uint8()), f('u16', new A.Uint16()), f('u32', new A.Uint32()), f('u64', new A.Uint64()),
  f('f16', new A.Float16()), f('f32', new A.Float32()), f('f64', new A.Float64()),
  f('i32_not_null', new A.Int32(), false),
];
const BINARY = () => [
  f('utf8', utf8()), f('large_utf8', new A.LargeUtf8()), f('binary', new A.Binary()),
  // No fixed_size_binary[0]: valid Arrow, but Apache.Arrow (the SDK's model) cannot build the type; the SDK refuses it by name (type:fixed_size_binary[0]).
  f('large_binary', new A.LargeBinary()), f('fsb5', new A.FixedSizeBinary(5)),
];
const units = [A.TimeUnit.SECOND, A.TimeUnit.MILLISECOND, A.TimeUnit.MICROSECOND, A.TimeUnit.NANOSECOND];
const TEMPORAL = () => [
  f('date32', new A.DateDay()), f('date64', new A.DateMillisecond()),
  f('time32_s', new A.TimeSecond()), f('time32_ms', new A.TimeMillisecond()),
  f('time64_us', new A.TimeMicrosecond()), f('time64_ns', new A.TimeNanosecond()),
  ...units.map((u) => f(`ts_${u}`, new A.Timestamp(u))),
  ...units.map((u) => f(`ts_${u}_tz`, new A.Timestamp(u, u % 2 ? 'UTC' : 'Europe/Paris'))),
  ...units.map((u) => f(`duration_${u}`, new A.Duration(u))),
  f('interval_ym', new A.IntervalYearMonth()), f('interval_dt', new A.IntervalDayTime()),
  f('interval_mdn', new A.IntervalMonthDayNano()),
];
const DECIMAL = (widths) => widths.map((w) => f(`decimal${w}`, new A.Decimal(w === 32 ? 2 : 5, w === 32 ? 9 : w === 64 ? 18 : w === 128 ? 38 : 76, w)));
const NESTED = () => [
  f('list_i32', new A.List(f('item', new A.Int32()))),
  f('large_list_utf8', new A.LargeList(f('item', utf8()))),
  f('fsl_i16', new A.FixedSizeList(3, f('item', new A.Int16()))),
  f('struct', new A.Struct([f('a', new A.Int32()), f('b', utf8()), f('c', new A.Bool(), false)])),
  f('map', new A.Map_(f('entries', new A.Struct([f('key', utf8(), false), f('value', new A.Int32())]), false), false)),
  f('list_struct_list', new A.List(f('item', new A.Struct([f('xs', new A.List(f('item', new A.Int64()))), f('d', new A.Float64())])))),
  f('struct_dup_names', new A.Struct([f('x', new A.Int8()), f('x', utf8())])),
  f('fsl_of_fsb', new A.FixedSizeList(2, f('item', new A.FixedSizeBinary(2)))),
];
const UNIONS = () => [
  f('sparse', new A.Union(A.UnionMode.Sparse, [3, 7], [f('i', new A.Int32()), f('s', utf8())])),
  f('dense', new A.Union(A.UnionMode.Dense, [0, 5, 9], [f('d', new A.Float64()), f('b', new A.Bool()), f('l', new A.List(f('item', new A.Uint8())))])),
  f('sparse_default_ids', new A.Union(A.UnionMode.Sparse, [0, 1], [f('x', new A.Int64()), f('y', new A.Null())])),
];
const DICTIONARY = () => [
  f('d_i8', dict(utf8(), new A.Int8(), 1)),
  f('d_u8', dict(utf8(), new A.Uint8(), 2)),
  f('d_i16_ordered', dict(new A.Int64(), new A.Int16(), 3, true)),
  f('d_u32', dict(new A.Float64(), new A.Uint32(), 4)),
  f('d_i64', dict(new A.Binary(), new A.Int64(), 5)),
  f('d_not_null', dict(utf8(), new A.Int32(), 6), false),
];

function schemaOf(fields, metadata) { return new A.Schema(fields, metadata); }

function batchOf(schema, n, r) {
  const children = schema.fields.map((fl) => gen(fl.type, n, r, fl.nullable));
  return new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, nullCount: 0, children }));
}

function batches(fields, sizes, seed, metadata) {
  const schema = schemaOf(fields, metadata);
  const r = prng(seed);
  return { schema, batches: sizes.map((n) => batchOf(schema, n, r)) };
}

/** Slices of one larger batch at odd offsets: the writer must re-base bitmaps and offsets. */
function sliced(fields, seed) {
  const { schema, batches: [big] } = batches(fields, [41], seed);
  return { schema, batches: [big.slice(3, 20), big.slice(0, 1), big.slice(20, 20), big.slice(29, 41)] };
}

/** Two batches sharing dictionary id 7 whose second batch extends the dictionary: JS writes a delta. */
function dictionaryDelta(seed) {
  const r = prng(seed);
  const type = dict(utf8(), new A.Int16(), 7);
  const schema = schemaOf([f('delta', type), f('plain', new A.Int32())]);
  const first = gen(utf8(), 4, r, true);
  const second = gen(utf8(), 3, r, true);
  const make = (dictionary, size, n) => new A.RecordBatch(schema, A.makeData({
    type: new A.Struct(schema.fields), length: n, nullCount: 0,
    children: [indicesFor(type, n, r, true, size, dictionary), gen(new A.Int32(), n, r, true)],
  }));
  return { schema, batches: [make(new A.Vector([first]), 4, 9), make(new A.Vector([first, second]), 7, 12), make(new A.Vector([first, second]), 7, 5)] };
}

const META = new Map([['origin', 'databridge interop'], ['b', '2'], ['a', '1']]);

export function cases() {
  const decimalWidths = [128, 256];
  for (const w of [32, 64]) {
    try { new A.Decimal(2, 9, w); decimalWidths.push(w); } catch { /* this apache-arrow has no such width */ }
  }
  return {
    primitive: batches(PRIMITIVE(), [17, 0, 33], 1),
    binary: batches(BINARY(), [20, 0, 9], 2),
    temporal: batches(TEMPORAL(), [15, 16], 3),
    decimal: batches(DECIMAL(decimalWidths), [12, 13], 4),
    nested: batches(NESTED(), [10, 0, 14], 5),
    union: batches(UNIONS(), [11, 0, 12], 6),
    dictionary: batches(DICTIONARY(), [10, 12], 7),
    dictionary_delta: dictionaryDelta(8),
    sliced_primitive: sliced(PRIMITIVE(), 9),
    sliced_binary: sliced(BINARY(), 10),
    sliced_nested: sliced([...NESTED(), ...UNIONS()], 11),
    sliced_dictionary: sliced(DICTIONARY(), 12),
    metadata: batches([f('m', new A.Int32(), true, new Map([['z', 'last'], ['ARROW:extension:name', 'my.ext']])), f('n', utf8())], [3], 13, META),
    only_empty_batches: batches([...PRIMITIVE(), ...NESTED()], [0, 0], 14),
    no_batches: batches([...TEMPORAL(), ...DICTIONARY()], [], 15),
    many_batches: batches([f('i', new A.Int64()), f('s', utf8())], Array.from({ length: 25 }, (_, i) => i % 5), 16),
  };
}

function main() {
  const out = process.argv[2];
  if (!out) { console.error('usage: node write_matrix.mjs OUTDIR'); process.exit(64); }
  fs.mkdirSync(out, { recursive: true });
  for (const [name, { schema, batches: bs }] of Object.entries(cases())) {
    const writer = new A.RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    for (const b of bs) writer.write(b);
    writer.finish();
    fs.writeFileSync(path.join(out, `${name}.arrows`), writer.toUint8Array(true));
    console.log(name);
  }
}

if (process.argv[1] && import.meta.url === `file://${fs.realpathSync(process.argv[1])}`) main();
