// Greatest common divisor: Euclid's algorithm as a loop, and as a tail-recursive function that
// the front end turns into the same loop.

function Gcd(a: nat, b: nat): nat
  decreases b
{
  if b == 0 then a else Gcd(b, a % b)
}

function method GcdTail(a: nat, b: nat): nat
  decreases b
{
  if b == 0 then a else GcdTail(b, a % b)
}

method GcdLoop(a: nat, b: nat) returns (g: nat)
  requires a < 65536 && b < 65536
  ensures g == Gcd(a, b)
{
  var x, y := a, b;
  while y != 0
    invariant 0 <= x < 65536 && 0 <= y < 65536
    invariant Gcd(x, y) == Gcd(a, b)
    decreases y
  {
    x, y := y, x % y;
  }
  g := x;
}

method GcdRec(a: nat, b: nat) returns (g: nat)
  requires a < 65536 && b < 65536
  ensures g == GcdTail(a, b)
{
  g := GcdTail(a, b);
}
