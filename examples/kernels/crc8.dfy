// CRC-8 (polynomial x^8 + x^2 + x + 1, initial value 0) of a byte array.

function method Step(c: bv8): bv8
{
  if c & 0x80 != 0 then (c << 1) ^ 0x07 else c << 1
}

function method CrcByte(c: bv8, b: bv8): bv8
{
  var x := c ^ b;
  Step(Step(Step(Step(Step(Step(Step(Step(x))))))))
}

function CrcSeq(s: seq<bv8>): bv8
{
  if |s| == 0 then 0 else CrcByte(CrcSeq(s[..|s| - 1]), s[|s| - 1])
}

method Crc8(data: array<bv8>) returns (crc: bv8)
  requires data.Length <= 64
  ensures crc == CrcSeq(data[..])
{
  crc := 0;
  var i := 0;
  while i < data.Length
    invariant 0 <= i <= data.Length
    invariant crc == CrcSeq(data[..i])
  {
    assert data[..i + 1][..i] == data[..i];
    crc := CrcByte(crc, data[i]);
    i := i + 1;
  }
  assert data[..data.Length] == data[..];
}
