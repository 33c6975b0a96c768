method IsUpper(c: char) returns (r: bool)
  ensures r <==> 'A' <= c <= 'Z'
{
  r := 'A' <= c && c <= 'Z';
}

method ToLower(c: char) returns (d: char)
  ensures 'A' <= c <= 'Z' ==> d as int == c as int + 32
{
  if 'A' <= c <= 'Z' {
    d := (c as int + 32) as char;
  } else {
    d := c;
  }
}

method CountVowels(s: string) returns (n: int)
  requires |s| <= 16
  ensures 0 <= n <= |s|
{
  n := 0;
  var i := 0;
  while i < |s|
    invariant 0 <= i <= |s|
    invariant 0 <= n <= i
  {
    var c := s[i];
    if c in "aeiouAEIOU" || c == '\n' || c == '\u00e9' || c == '\'' {
      n := n + 1;
    }
    i := i + 1;
  }
}

method FirstDigit(s: string) returns (d: int)
  requires |s| <= 16
  ensures -1 <= d <= 9
{
  d := -1;
  var i := 0;
  while i < |s|
    invariant 0 <= i <= |s|
    invariant -1 <= d <= 9
  {
    if '0' <= s[i] <= '9' {
      d := s[i] as int - '0' as int;
      return;
    }
    i := i + 1;
  }
}

method CaesarShift(a: array<char>, k: int)
  requires a.Length <= 8
  requires 0 <= k < 26
  requires forall i :: 0 <= i < a.Length ==> 'a' <= a[i] <= 'z'
  modifies a
  ensures forall i :: 0 <= i < a.Length ==> 'a' <= a[i] <= 'z'
{
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant forall j :: 0 <= j < a.Length ==> 'a' <= a[j] <= 'z'
  {
    a[i] := (((a[i] as int - 'a' as int + k) % 26) + 'a' as int) as char;
    i := i + 1;
  }
}
