// p2s_ap_int.h: just enough of Xilinx's ap_int<W> / ap_uint<W> for g++ C simulation of the C++
// that toolchain/hls/vitis writes, when Vitis HLS (and its ap_int.h) is not installed.
//
// Scope: widths 1..128, held in one unsigned __int128 (a GCC and Clang extension). The generated
// code converts both operands of every operator to one type first (the type that holds the exact
// result, or the common type for comparisons and division), so this header only defines
// operators on two values of the same type. Results of + - * << are reduced modulo 2^W, which
// equals Vitis's exact-then-truncate on assignment. Division truncates toward zero, as in C++ and
// ap_int. Constructors from any integer or ap type sign- or zero-extend by the source's
// signedness, then truncate, as ap_int does. Constants beyond 64 bits are written as decimal
// strings (`ap_int<93>("-12345678901234567890123", 10)`) and results read back with
// `to_string(10)`, both of which Xilinx's ap_int has too.
#ifndef P2S_AP_INT_H
#define P2S_AP_INT_H

#include <cstdint>
#include <string>

typedef unsigned __int128 p2s_u128;
typedef __int128 p2s_i128;

template <int W, bool S>
class p2s_bits {
  static_assert(W >= 1 && W <= 128, "p2s_ap_int.h supports widths 1..128; use Vitis's ap_int.h");

 public:
  p2s_u128 raw;  // the value modulo 2^W; bits above W are zero

  static p2s_u128 mask(p2s_u128 x) { return W == 128 ? x : (x & ((p2s_u128(1) << W) - 1)); }

  p2s_i128 to_int128() const {
    if (!S || W == 128) return static_cast<p2s_i128>(raw);
    const p2s_u128 sign = p2s_u128(1) << (W - 1);
    return static_cast<p2s_i128>((raw ^ sign) - sign);
  }
  // as ap_int's: the low 64 bits of the value (sign-extended first for a signed type)
  int64_t to_int64() const { return static_cast<int64_t>(to_int128()); }
  uint64_t to_uint64() const { return static_cast<uint64_t>(raw); }
  bool is_negative() const { return S && ((raw >> (W - 1)) & 1); }

  // the value in decimal (the only radix the generated testbench asks for)
  std::string to_string(int radix) const {
    if (radix != 10) return "unsupported radix";
    const bool negative = S && is_negative();
    p2s_u128 v = negative ? p2s_u128(0) - static_cast<p2s_u128>(to_int128()) : raw;
    std::string digits;
    do {
      digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v != 0);
    return negative ? "-" + digits : digits;
  }

 protected:
  // a decimal constant, optionally negative: its value modulo 2^128
  static p2s_u128 parse(const char* text) {
    const bool negative = *text == '-';
    p2s_u128 v = 0;
    for (const char* c = negative ? text + 1 : text; *c >= '0' && *c <= '9'; ++c) {
      v = v * 10 + static_cast<p2s_u128>(*c - '0');
    }
    return negative ? p2s_u128(0) - v : v;
  }
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
  p2s_int(long long v) { this->raw = base::mask(static_cast<p2s_u128>(static_cast<p2s_i128>(v))); }
  p2s_int(unsigned long long v) { this->raw = base::mask(static_cast<p2s_u128>(v)); }
  p2s_int(long v) : p2s_int(static_cast<long long>(v)) {}
  p2s_int(unsigned long v) : p2s_int(static_cast<unsigned long long>(v)) {}
  p2s_int(int v) : p2s_int(static_cast<long long>(v)) {}
  p2s_int(unsigned v) : p2s_int(static_cast<unsigned long long>(v)) {}
  p2s_int(bool v) : p2s_int(static_cast<long long>(v)) {}
  p2s_int(const char* text, signed char radix) {
    (void)radix;  // decimal only: the generated code writes no other
    this->raw = base::mask(base::parse(text));
  }
  template <int W2>
  p2s_int(const ap_int<W2>& o) {
    this->raw = base::mask(static_cast<p2s_u128>(o.to_int128()));
  }
  template <int W2>
  p2s_int(const ap_uint<W2>& o) {
    this->raw = base::mask(o.raw);
  }

  static Self bits(p2s_u128 r) {
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
  Self operator<<(unsigned long long n) const { return bits(n >= 128 ? 0 : this->raw << n); }
  friend bool operator==(Self a, Self b) { return a.raw == b.raw; }
  friend bool operator!=(Self a, Self b) { return a.raw != b.raw; }
  friend bool operator<(Self a, Self b) { return less(a, b); }
  friend bool operator<=(Self a, Self b) { return !less(b, a); }
  friend bool operator>(Self a, Self b) { return less(b, a); }
  friend bool operator>=(Self a, Self b) { return !less(a, b); }

 private:
  static bool less(const Self& a, const Self& b) {
    return S ? a.to_int128() < b.to_int128() : a.raw < b.raw;
  }
};

template <int W>
class ap_int : public p2s_int<W, true, ap_int<W>> {
 public:
  using p2s_int<W, true, ap_int<W>>::p2s_int;

  friend ap_int operator/(ap_int a, ap_int b) {
    const p2s_i128 x = a.to_int128(), y = b.to_int128();
    if (y == 0) return ap_int(0);
    if (y == -1) return ap_int::bits(0 - a.raw);  // also defined for the most negative value
    return ap_int::bits(static_cast<p2s_u128>(x / y));
  }
  friend ap_int operator%(ap_int a, ap_int b) {
    const p2s_i128 x = a.to_int128(), y = b.to_int128();
    if (y == 0 || y == -1) return ap_int(0);
    return ap_int::bits(static_cast<p2s_u128>(x % y));
  }
  ap_int operator>>(unsigned long long n) const {
    const p2s_i128 v = this->to_int128();
    return ap_int::bits(static_cast<p2s_u128>(n >= 128 ? (v < 0 ? -1 : 0) : (v >> n)));
  }
};

template <int W>
class ap_uint : public p2s_int<W, false, ap_uint<W>> {
 public:
  using p2s_int<W, false, ap_uint<W>>::p2s_int;

  friend ap_uint operator/(ap_uint a, ap_uint b) { return b.raw == 0 ? ap_uint(0) : ap_uint::bits(a.raw / b.raw); }
  friend ap_uint operator%(ap_uint a, ap_uint b) { return b.raw == 0 ? ap_uint(0) : ap_uint::bits(a.raw % b.raw); }
  ap_uint operator>>(unsigned long long n) const { return ap_uint::bits(n >= 128 ? 0 : this->raw >> n); }
};

#endif  // P2S_AP_INT_H
