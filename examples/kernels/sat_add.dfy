// Saturating addition of two bytes: the raw sum needs 9 bits before it is clamped to 8.

method SatAdd(a: int, b: int) returns (r: int)
  requires 0 <= a < 256 && 0 <= b < 256
  ensures r == if a + b > 255 then 255 else a + b
{
  var s := a + b;
  if s > 255 {
    r := 255;
  } else {
    r := s;
  }
}
