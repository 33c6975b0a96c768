// Enumeration datatypes as hardware data: a value is its constructor's index.
datatype Light = Red | RedAmber | Green | Amber
datatype Op = Add | Sub | And | Or | Xor
datatype Sign = Negative | Zero | Positive

// one step of a traffic light controller: the next light and how long it stays on
method NextLight(l: Light, emergency: bool) returns (next: Light, ticks: int)
  ensures emergency ==> next == Red
  ensures 1 <= ticks <= 30
{
  if emergency {
    next := Red;
    ticks := 30;
    return;
  }
  match l {
    case Red => next := RedAmber; ticks := 2;
    case RedAmber => next := Green; ticks := 20;
    case Green => next := Amber; ticks := 3;
    case Amber => next := Light.Red; ticks := 25;
  }
}

// a small ALU selected by an enumeration (match expression)
method Alu(op: Op, a: bv8, b: bv8) returns (r: bv8)
{
  r := match op
    case Add => a + b
    case Sub => a - b
    case And => a & b
    case Or => a | b
    case Xor => a ^ b;
}

function method SignOf(x: int): Sign
{
  if x < 0 then Negative else if x == 0 then Zero else Positive
}

// an enumeration as a result, built by a function and tested with discriminators
method Classify(x: int, y: int) returns (s: Sign, same: bool, code: int)
  requires -1000 <= x <= 1000 && -1000 <= y <= 1000
  ensures 0 <= code <= 2
{
  s := SignOf(x - y);
  var t := SignOf(x);
  same := s == t;
  if s.Negative? {
    code := 0;
  } else if s != Zero {
    code := 2;
  } else {
    code := 1;
  }
}

// an enumeration as loop state: count the runs of positive values in an array
method CountRuns(a: array<int>) returns (runs: int)
  requires a.Length <= 16
  requires forall k :: 0 <= k < a.Length ==> -100 <= a[k] <= 100
  ensures 0 <= runs <= a.Length
{
  var state := Zero;
  runs := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant 0 <= runs <= i
    invariant state.Positive? ==> runs >= 1
  {
    if a[i] > 0 {
      if !state.Positive? {
        runs := runs + 1;
      }
      state := Positive;
    } else {
      state := if a[i] == 0 then Zero else Negative;
    }
    i := i + 1;
  }
}
