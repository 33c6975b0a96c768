// An 8-bit saturating adder with an off-by-one bug: the e2e test fixes it in the editor.
method SaturatingAdd(a: int, b: int) returns (s: int)
  requires 0 <= a < 256 && 0 <= b < 256
  ensures 0 <= s < 256
  ensures a + b < 256 ==> s == a + b
  ensures a + b >= 256 ==> s == 255
{
  s := a + b;
  if s > 256 {
    s := 255;
  }
}
