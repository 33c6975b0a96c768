// Number of set bits of a 32-bit word.

function method Bit(x: bv32, i: nat): nat
  requires i < 32
{
  if (x >> i) & 1 == 1 then 1 else 0
}

function Bits(x: bv32, n: nat): nat
  requires n <= 32
{
  if n == 0 then 0 else Bits(x, n - 1) + Bit(x, n - 1)
}

method Popcount(x: bv32) returns (c: nat)
  ensures c == Bits(x, 32)
{
  c := 0;
  var i := 0;
  while i < 32
    invariant 0 <= i <= 32
    invariant c == Bits(x, i)
  {
    c := c + Bit(x, i);
    i := i + 1;
  }
}
