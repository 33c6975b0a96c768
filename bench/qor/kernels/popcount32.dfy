// Set bits of a 32-bit word: a loop with a constant trip count.
function method Bit(x: bv32, i: nat): nat
  requires i < 32
{
  if (x >> i) & 1 == 1 then 1 else 0
}

function Ones(x: bv32, n: nat): nat
  requires n <= 32
{
  if n == 0 then 0 else Ones(x, n - 1) + Bit(x, n - 1)
}

method Popcount32(x: bv32) returns (c: nat)
  ensures c == Ones(x, 32)
{
  c := 0;
  var i := 0;
  while i < 32
    invariant 0 <= i <= 32
    invariant c == Ones(x, i)
  {
    c := c + Bit(x, i);
    i := i + 1;
  }
}
