// p2s_ap_int.h: just enough of Xilinx's ap_int<W> / ap_uint<W> for g++ C simulation of the C++
// that toolchain/hls/vitis writes, when Vitis HLS (and its ap_int.h) is not installed.
//
// Scope: widths 1..64. The generated code converts both operands of every operator to one type
// first (the type that holds the exact result, or the common type for comparisons and division),
// so this header only defines operators on two values of the same type. Results of + - * << are
// reduced modulo 2^W, which equals Vitis's exact-then-truncate on assignment. Division truncates
// toward zero, as in C++ and ap_int. Constructors from any integer or ap type sign- or zero-extend
// by the source's signedness, then truncate, as ap_int does.
#ifndef P2S_AP_INT_H
#define P2S_AP_INT_H

#include <cstdint>

template <int W, bool S>
class p2s_bits {
  static_assert(W >= 1 && W <= 64, "p2s_ap_int.h supports widths 1..64; use Vitis's ap_int.h");

 public:
  uint64_t raw;  // the value modulo 2^W; bits above W are zero

  static uint64_t mask(uint64_t x) { return W == 64 ? x : (x & ((uint64_t(1) << W) - 1)); }

  int64_t to_int64() const {
    if (!S || W == 64) return static_cast<int64_t>(raw);
    const uint64_t sign = uint64_t(1) << (W - 1);
    return static_cast<int64_t>((raw ^ sign) - sign);
  }
  uint64_t to_uint64() const { return raw; }
  bool is_negative() const { return S && ((raw >> (W - 1)) & 1); }
};

template <int W>
class ap_int;
template <int W>
class ap_uint;

// What ap_int and ap_uint share. `Self` is the class deriving from it, so every operator takes
// and returns values of that one type; S says whether it is two's complement.
template <int W, bool S, class Self>
class p2s_int : public p2s_bits<W, S> {
 public:
  using base = p2s_bits<W, S>;
  p2s_int() { this->raw = 0; }
  p2s_int(long long v) { this->raw = base::mask(static_cast<uint64_t>(v)); }
  p2s_int(unsigned long long v) { this->raw = base::mask(v); }
  p2s_int(long v) : p2s_int(static_cast<long long>(v)) {}
  p2s_int(unsigned long v) : p2s_int(static_cast<unsigned long long>(v)) {}
  p2s_int(int v) : p2s_int(static_cast<long long>(v)) {}
  p2s_int(unsigned v) : p2s_int(static_cast<unsigned long long>(v)) {}
  p2s_int(bool v) : p2s_int(static_cast<long long>(v)) {}
  template <int W2>
  p2s_int(const ap_int<W2>& o) : p2s_int(static_cast<long long>(o.to_int64())) {}
  template <int W2>
  p2s_int(const ap_uint<W2>& o) : p2s_int(static_cast<unsigned long long>(o.to_uint64())) {}

  static Self bits(uint64_t r) {
    Self x;
    x.raw = base::mask(r);
    return x;
  }
  friend Self operator+(Self a, Self b) { return bits(a.raw + b.raw); }
  friend Self operator-(Self a, Self b) { return bits(a.raw - b.raw); }
  friend Self operator*(Self a, Self b) { return bits(a.raw * b.raw); }
  friend Self operator&(Self a, Self b) { return bits(a.raw & b.raw); }
  friend Self operator|(Self a, Self b) { return bits(a.raw | b.raw); }
  friend Self operator^(Self a, Self b) { return bits(a.raw ^ b.raw); }
  Self operator-() const { return bits(0 - this->raw); }
  Self operator~() const { return bits(~this->raw); }
  Self operator<<(unsigned long long n) const { return bits(n >= 64 ? 0 : this->raw << n); }
  friend bool operator==(Self a, Self b) { return a.raw == b.raw; }
  friend bool operator!=(Self a, Self b) { return a.raw != b.raw; }
  friend bool operator<(Self a, Self b) { return less(a, b); }
  friend bool operator<=(Self a, Self b) { return !less(b, a); }
  friend bool operator>(Self a, Self b) { return less(b, a); }
  friend bool operator>=(Self a, Self b) { return !less(a, b); }

 private:
  static bool less(const Self& a, const Self& b) {
    return S ? a.to_int64() < b.to_int64() : a.raw < b.raw;
  }
};

template <int W>
class ap_int : public p2s_int<W, true, ap_int<W>> {
 public:
  using p2s_int<W, true, ap_int<W>>::p2s_int;

  friend ap_int operator/(ap_int a, ap_int b) {
    const int64_t x = a.to_int64(), y = b.to_int64();
    if (y == 0) return ap_int(0);
    if (y == -1) return ap_int::bits(0 - a.raw);  // also defined for the most negative value
    return ap_int(static_cast<long long>(x / y));
  }
  friend ap_int operator%(ap_int a, ap_int b) {
    const int64_t x = a.to_int64(), y = b.to_int64();
    if (y == 0 || y == -1) return ap_int(0);
    return ap_int(static_cast<long long>(x % y));
  }
  ap_int operator>>(unsigned long long n) const {
    const int64_t v = this->to_int64();
    return ap_int(static_cast<long long>(n >= 64 ? (v < 0 ? -1 : 0) : (v >> n)));
  }
};

template <int W>
class ap_uint : public p2s_int<W, false, ap_uint<W>> {
 public:
  using p2s_int<W, false, ap_uint<W>>::p2s_int;

  friend ap_uint operator/(ap_uint a, ap_uint b) { return b.raw == 0 ? ap_uint(0) : ap_uint::bits(a.raw / b.raw); }
  friend ap_uint operator%(ap_uint a, ap_uint b) { return b.raw == 0 ? ap_uint(0) : ap_uint::bits(a.raw % b.raw); }
  ap_uint operator>>(unsigned long long n) const { return ap_uint::bits(n >= 64 ? 0 : this->raw >> n); }
};

#endif  // P2S_AP_INT_H
