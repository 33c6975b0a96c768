// Euclid's algorithm on 16-bit numbers: a data-dependent loop.
function Gcd(a: nat, b: nat): nat
  decreases b
{
  if b == 0 then a else Gcd(b, a % b)
}

method Gcd16(a: nat, b: nat) returns (g: nat)
  requires a < 65536 && b < 65536
  ensures g == Gcd(a, b)
{
  var x, y := a, b;
  while y != 0
    invariant x < 65536 && y < 65536
    invariant Gcd(x, y) == Gcd(a, b)
    decreases y
  {
    x, y := y, x % y;
  }
  g := x;
}
