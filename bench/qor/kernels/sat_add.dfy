// 8-bit saturating addition: straight-line code.
method SatAdd(a: nat, b: nat) returns (s: nat)
  requires a < 256 && b < 256
  ensures s == if a + b > 255 then 255 else a + b
{
  s := a + b;
  if s > 255 {
    s := 255;
  }
}
