// Integer square root of a 16-bit number by bisection (8 data-dependent steps at most).
method Isqrt16(n: nat) returns (r: nat)
  requires n < 65536
  ensures r * r <= n < (r + 1) * (r + 1)
{
  var lo, hi := 0, 256;
  while lo + 1 < hi
    invariant 0 <= lo < hi <= 256
    invariant lo * lo <= n < hi * hi
    decreases hi - lo
  {
    var mid := (lo + hi) / 2;
    if mid * mid <= n {
      lo := mid;
    } else {
      hi := mid;
    }
  }
  r := lo;
}
