// Leading zeros of a 16-bit word: a loop that stops at the first set bit.
method Clz16(x: bv16) returns (n: nat)
  ensures n <= 16
  ensures n < 16 ==> (x >> (15 - n)) & 1 == 1
  ensures forall k :: 0 <= k < n ==> (x >> (15 - k)) & 1 == 0
{
  n := 0;
  while n < 16 && (x >> (15 - n)) & 1 == 0
    invariant 0 <= n <= 16
    invariant forall k :: 0 <= k < n ==> (x >> (15 - k)) & 1 == 0
  {
    n := n + 1;
  }
}
