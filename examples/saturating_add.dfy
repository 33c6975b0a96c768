// Bundled example: an 8-bit saturating adder, verified by Dafny and small enough for hardware.
method SaturatingAdd(a: int, b: int) returns (s: int)
  requires 0 <= a < 256 && 0 <= b < 256
  ensures 0 <= s < 256
  ensures a + b < 256 ==> s == a + b
  ensures a + b >= 256 ==> s == 255
{
  s := a + b;
  if s > 255 {
    s := 255;
  }
}
