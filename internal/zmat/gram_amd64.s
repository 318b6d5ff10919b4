//go:build amd64 && !purego

#include "textflag.h"

// The Gram micro-kernels. Each call computes a tile of inner products
//
//	out[ia·NB+ib] = Σ_i x_ia[i]·conj(y_ib[i]),  i = 0…m−1,
//
// of NA rows x of V with NB rows y of V (NA×NB = 4×3 with AVX-512, 3×2 with
// AVX2), m ≥ 1; the Go driver scales them by α, keeps the lower triangle
// and mirrors it. Along i, each pair (x, y) keeps two vector accumulators
// in the interleaved layout (re, im, re, im, …):
//
//	P += x·(yr, yr)   lanes (xr·yr, xi·yr)
//	Q += x·(yi, yi)   lanes (xr·yi, xi·yi)
//
// where (yr, yr) and (yi, yi) duplicate the real and imaginary parts of y
// (loaded already duplicated: no shuffle in the loop). At the end
// re = P.re + Q.im and im = P.im − Q.re, per lane (Q swapped within each
// complex value, then one add/subtract per lane), and the lanes of the
// vector are summed as a fixed tree. Sample i always lands in lane
// i mod (lanes per vector) — masked or zero-padded for the last samples —
// so every inner product goes through the same operations whatever the
// position of its rows in the tile or the matrix.

// ---- AVX-512: Z0…Z23 accumulators, (ia, ib) → P = Z(2·(3ia+ib)), Q = the
// next one; Z24…Z27 the samples of x0…x3; Z28, Z29 (yr, yr) and (yi, yi);
// Z30 scratch, Z31 1.0 in the reduction. AX, BX, CX, DX: x0…x3; SI, DI, R8:
// y0…y2; R9: out; R10: byte offset of the samples; R11: count.

// ZEROZ24 zeroes the accumulators Z0…Z23.
#define ZEROZ24 \
	VPXORQ Z0, Z0, Z0; \
	VPXORQ Z1, Z1, Z1; \
	VPXORQ Z2, Z2, Z2; \
	VPXORQ Z3, Z3, Z3; \
	VPXORQ Z4, Z4, Z4; \
	VPXORQ Z5, Z5, Z5; \
	VPXORQ Z6, Z6, Z6; \
	VPXORQ Z7, Z7, Z7; \
	VPXORQ Z8, Z8, Z8; \
	VPXORQ Z9, Z9, Z9; \
	VPXORQ Z10, Z10, Z10; \
	VPXORQ Z11, Z11, Z11; \
	VPXORQ Z12, Z12, Z12; \
	VPXORQ Z13, Z13, Z13; \
	VPXORQ Z14, Z14, Z14; \
	VPXORQ Z15, Z15, Z15; \
	VPXORQ Z16, Z16, Z16; \
	VPXORQ Z17, Z17, Z17; \
	VPXORQ Z18, Z18, Z18; \
	VPXORQ Z19, Z19, Z19; \
	VPXORQ Z20, Z20, Z20; \
	VPXORQ Z21, Z21, Z21; \
	VPXORQ Z22, Z22, Z22; \
	VPXORQ Z23, Z23, Z23

// DOT4PD accumulates the products of x0…x3 with one y (Z28, Z29).
#define DOT4PD(p0, q0, p1, q1, p2, q2, p3, q3) \
	VFMADD231PD Z24, Z28, p0; \
	VFMADD231PD Z24, Z29, q0; \
	VFMADD231PD Z25, Z28, p1; \
	VFMADD231PD Z25, Z29, q1; \
	VFMADD231PD Z26, Z28, p2; \
	VFMADD231PD Z26, Z29, q2; \
	VFMADD231PD Z27, Z28, p3; \
	VFMADD231PD Z27, Z29, q3

// The reduction. UPD turns the accumulator pair (p, q) of one inner
// product into q = (P.re + Q.im, P.im − Q.re) per complex lane: the vector
// U of its partial sums. PAIRPD sums the two 256-bit halves of two such
// vectors u0, u1 into s = (u0: 2 partial sums, u1: 2 partial sums), and
// QUADPD the two remaining partial sums of four of them (s0, s1 from two
// PAIRPDs) into the four inner products, stored at off(R9). Every inner
// product is thus (l0 + l2) + (l1 + l3) over its four 128-bit lanes l.
#define UPD(p, q) \
	VPERMILPD      $0x55, q, q; \
	VFMSUBADD231PD Z31, p, q

#define PAIRPD(u0, u1, s) \
	VSHUFF64X2 $0x44, u1, u0, Z28; \
	VSHUFF64X2 $0xEE, u1, u0, Z29; \
	VADDPD     Z29, Z28, s

#define QUADPD(s0, s1, off) \
	VSHUFF64X2 $0x88, s1, s0, Z28; \
	VSHUFF64X2 $0xDD, s1, s0, Z29; \
	VADDPD     Z29, Z28, Z30;      \
	VMOVUPD    Z30, off(R9)

// DOT4PS is DOT4PD for complex64.
#define DOT4PS(p0, q0, p1, q1, p2, q2, p3, q3) \
	VFMADD231PS Z24, Z28, p0; \
	VFMADD231PS Z24, Z29, q0; \
	VFMADD231PS Z25, Z28, p1; \
	VFMADD231PS Z25, Z29, q1; \
	VFMADD231PS Z26, Z28, p2; \
	VFMADD231PS Z26, Z29, q2; \
	VFMADD231PS Z27, Z28, p3; \
	VFMADD231PS Z27, Z29, q3

// UPS, PAIRPS and QUADPS are the complex64 reduction: the same, with a
// last step adding the two complex values of each 128-bit lane (K2 picks
// the sums for the store of the four inner products).
#define UPS(p, q) \
	VPERMILPS      $0xB1, q, q; \
	VFMSUBADD231PS Z31, p, q

#define PAIRPS(u0, u1, s) \
	VSHUFF64X2 $0x44, u1, u0, Z28; \
	VSHUFF64X2 $0xEE, u1, u0, Z29; \
	VADDPS     Z29, Z28, s

#define QUADPS(s0, s1, off) \
	VSHUFF64X2  $0x88, s1, s0, Z28; \
	VSHUFF64X2  $0xDD, s1, s0, Z29; \
	VADDPS      Z29, Z28, Z30;      \
	VPERMILPD   $0x55, Z30, Z29;    \
	VADDPS      Z29, Z30, Z30;      \
	VCOMPRESSPD Z30, K2, Z30;       \
	VMOVUPD     Y30, off(R9)

// ---- AVX2: Y0…Y11 accumulators, (ia, ib) → P = Y(2·(2ia+ib)), Q = the
// next one; Y12…Y14 the samples of x0…x2; Y15 (yr, yr), then (yi, yi),
// then 1.0 in the reduction. AX, BX, CX: x0…x2; SI, DI: y0, y1; R9: out;
// R10: byte offset of the samples; R11: count.

// ZEROY12 zeroes the accumulators Y0…Y11.
#define ZEROY12 \
	VPXOR Y0, Y0, Y0; \
	VPXOR Y1, Y1, Y1; \
	VPXOR Y2, Y2, Y2; \
	VPXOR Y3, Y3, Y3; \
	VPXOR Y4, Y4, Y4; \
	VPXOR Y5, Y5, Y5; \
	VPXOR Y6, Y6, Y6; \
	VPXOR Y7, Y7, Y7; \
	VPXOR Y8, Y8, Y8; \
	VPXOR Y9, Y9, Y9; \
	VPXOR Y10, Y10, Y10; \
	VPXOR Y11, Y11, Y11

// DOT3YPD accumulates the products of x0…x2 with Y15 into a0…a2.
#define DOT3YPD(a0, a1, a2) \
	VFMADD231PD Y12, Y15, a0; \
	VFMADD231PD Y13, Y15, a1; \
	VFMADD231PD Y14, Y15, a2

// UYPD turns the accumulator pair (p, q) into the vector of partial sums
// (as UPD), and PAIRYPD sums the two halves of two such vectors into their
// inner products, stored at off(R9).
#define UYPD(p, q) \
	VPERMILPD      $5, q, q; \
	VFMSUBADD231PD Y15, p, q

#define PAIRYPD(u0, u1, off) \
	VPERM2F128 $0x20, u1, u0, Y12; \
	VPERM2F128 $0x31, u1, u0, Y13; \
	VADDPD     Y13, Y12, Y12;      \
	VMOVUPD    Y12, off(R9)

#define DOT3YPS(a0, a1, a2) \
	VFMADD231PS Y12, Y15, a0; \
	VFMADD231PS Y13, Y15, a1; \
	VFMADD231PS Y14, Y15, a2

// UYPS and PAIRYPS are the complex64 reduction: the same, with a last
// step adding the two complex values of each 128-bit lane.
#define UYPS(p, q) \
	VPERMILPS      $0xB1, q, q; \
	VFMSUBADD231PS Y15, p, q

#define PAIRYPS(u0, u1, off) \
	VPERM2F128 $0x20, u1, u0, Y12; \
	VPERM2F128 $0x31, u1, u0, Y13; \
	VADDPS     Y13, Y12, Y12;      \
	VPERMILPD  $5, Y12, Y13;       \
	VADDPS     Y13, Y12, Y12;      \
	VPERMPD    $0x08, Y12, Y12;    \
	VMOVUPD    X12, off(R9)

// func gramZ512(out *[12]complex128, x0, x1, x2, x3, y0, y1, y2 *complex128, m int)
TEXT ·gramZ512(SB), NOSPLIT, $0-72
	MOVQ         out+0(FP), R9
	MOVQ         x0+8(FP), AX
	MOVQ         x1+16(FP), BX
	MOVQ         x2+24(FP), CX
	MOVQ         x3+32(FP), DX
	MOVQ         y0+40(FP), SI
	MOVQ         y1+48(FP), DI
	MOVQ         y2+56(FP), R8
	MOVQ         m+64(FP), R11
	ZEROZ24
	XORQ         R10, R10
	// The loop runs while more than 4 samples are left (VMOVDDUP 8(…)
	// reads 8 bytes past its block), leaving 1…4 for the masked tail.
	DECQ         R11
	SHRQ         $2, R11                // R11 = (m−1)/4 blocks
	JZ           tail

loop:
	VMOVUPD      (AX)(R10*1), Z24
	VMOVUPD      (BX)(R10*1), Z25
	VMOVUPD      (CX)(R10*1), Z26
	VMOVUPD      (DX)(R10*1), Z27
	VMOVDDUP     (SI)(R10*1), Z28
	VMOVDDUP     8(SI)(R10*1), Z29
	DOT4PD(Z0, Z1, Z6, Z7, Z12, Z13, Z18, Z19)
	VMOVDDUP     (DI)(R10*1), Z28
	VMOVDDUP     8(DI)(R10*1), Z29
	DOT4PD(Z2, Z3, Z8, Z9, Z14, Z15, Z20, Z21)
	VMOVDDUP     (R8)(R10*1), Z28
	VMOVDDUP     8(R8)(R10*1), Z29
	DOT4PD(Z4, Z5, Z10, Z11, Z16, Z17, Z22, Z23)
	ADDQ         $64, R10
	DECQ         R11
	JNZ          loop

tail:
	// The last samples, with K1 masking the lanes past the end: the
	// same operations on zeros in the masked lanes.
	MOVQ         m+64(FP), CX
	SHLQ         $4, CX
	SUBQ         R10, CX                // CX = bytes left
	SHRQ         $3, CX                 // CX = float lanes left
	MOVL         $1, R11
	SHLL         CX, R11
	DECL         R11
	KMOVW        R11, K1
	MOVQ         x2+24(FP), CX
	VMOVUPD.Z    (AX)(R10*1), K1, Z24
	VMOVUPD.Z    (BX)(R10*1), K1, Z25
	VMOVUPD.Z    (CX)(R10*1), K1, Z26
	VMOVUPD.Z    (DX)(R10*1), K1, Z27
	VMOVUPD.Z    (SI)(R10*1), K1, Z30
	VMOVDDUP     Z30, Z28
	VPERMILPD    $0xFF, Z30, Z29
	DOT4PD(Z0, Z1, Z6, Z7, Z12, Z13, Z18, Z19)
	VMOVUPD.Z    (DI)(R10*1), K1, Z30
	VMOVDDUP     Z30, Z28
	VPERMILPD    $0xFF, Z30, Z29
	DOT4PD(Z2, Z3, Z8, Z9, Z14, Z15, Z20, Z21)
	VMOVUPD.Z    (R8)(R10*1), K1, Z30
	VMOVDDUP     Z30, Z28
	VPERMILPD    $0xFF, Z30, Z29
	DOT4PD(Z4, Z5, Z10, Z11, Z16, Z17, Z22, Z23)

reduce:
	MOVQ         $0x3FF0000000000000, AX
	VPBROADCASTQ AX, Z31                // Z31 = 1.0
	// U_k (k = 3ia+ib) into Z(2k+1), pairs into Z(4j), quads to out.
	UPD(Z0, Z1)
	UPD(Z2, Z3)
	UPD(Z4, Z5)
	UPD(Z6, Z7)
	UPD(Z8, Z9)
	UPD(Z10, Z11)
	UPD(Z12, Z13)
	UPD(Z14, Z15)
	UPD(Z16, Z17)
	UPD(Z18, Z19)
	UPD(Z20, Z21)
	UPD(Z22, Z23)
	PAIRPD(Z1, Z3, Z0)
	PAIRPD(Z5, Z7, Z4)
	PAIRPD(Z9, Z11, Z8)
	PAIRPD(Z13, Z15, Z12)
	PAIRPD(Z17, Z19, Z16)
	PAIRPD(Z21, Z23, Z20)
	QUADPD(Z0, Z4, 0)
	QUADPD(Z8, Z12, 64)
	QUADPD(Z16, Z20, 128)
	VZEROUPPER
	RET

// func gramC512(out *[12]complex64, x0, x1, x2, x3, y0, y1, y2 *complex64, m int)
TEXT ·gramC512(SB), NOSPLIT, $0-72
	MOVQ         out+0(FP), R9
	MOVQ         x0+8(FP), AX
	MOVQ         x1+16(FP), BX
	MOVQ         x2+24(FP), CX
	MOVQ         x3+32(FP), DX
	MOVQ         y0+40(FP), SI
	MOVQ         y1+48(FP), DI
	MOVQ         y2+56(FP), R8
	MOVQ         m+64(FP), R11
	ZEROZ24
	XORQ         R10, R10
	SHRQ         $3, R11                // R11 = m/8 blocks; 0…7 samples left
	JZ           tail

loop:
	VMOVUPS      (AX)(R10*1), Z24
	VMOVUPS      (BX)(R10*1), Z25
	VMOVUPS      (CX)(R10*1), Z26
	VMOVUPS      (DX)(R10*1), Z27
	VMOVSLDUP    (SI)(R10*1), Z28
	VMOVSHDUP    (SI)(R10*1), Z29
	DOT4PS(Z0, Z1, Z6, Z7, Z12, Z13, Z18, Z19)
	VMOVSLDUP    (DI)(R10*1), Z28
	VMOVSHDUP    (DI)(R10*1), Z29
	DOT4PS(Z2, Z3, Z8, Z9, Z14, Z15, Z20, Z21)
	VMOVSLDUP    (R8)(R10*1), Z28
	VMOVSHDUP    (R8)(R10*1), Z29
	DOT4PS(Z4, Z5, Z10, Z11, Z16, Z17, Z22, Z23)
	ADDQ         $64, R10
	DECQ         R11
	JNZ          loop

tail:
	// The last samples, with K1 masking the lanes past the end: the
	// same operations on zeros in the masked lanes.
	MOVQ         m+64(FP), CX
	SHLQ         $3, CX
	SUBQ         R10, CX                // CX = bytes left
	JZ           reduce
	SHRQ         $2, CX                 // CX = float lanes left
	MOVL         $1, R11
	SHLL         CX, R11
	DECL         R11
	KMOVW        R11, K1
	MOVQ         x2+24(FP), CX
	VMOVUPS.Z    (AX)(R10*1), K1, Z24
	VMOVUPS.Z    (BX)(R10*1), K1, Z25
	VMOVUPS.Z    (CX)(R10*1), K1, Z26
	VMOVUPS.Z    (DX)(R10*1), K1, Z27
	VMOVUPS.Z    (SI)(R10*1), K1, Z30
	VMOVSLDUP    Z30, Z28
	VMOVSHDUP    Z30, Z29
	DOT4PS(Z0, Z1, Z6, Z7, Z12, Z13, Z18, Z19)
	VMOVUPS.Z    (DI)(R10*1), K1, Z30
	VMOVSLDUP    Z30, Z28
	VMOVSHDUP    Z30, Z29
	DOT4PS(Z2, Z3, Z8, Z9, Z14, Z15, Z20, Z21)
	VMOVUPS.Z    (R8)(R10*1), K1, Z30
	VMOVSLDUP    Z30, Z28
	VMOVSHDUP    Z30, Z29
	DOT4PS(Z4, Z5, Z10, Z11, Z16, Z17, Z22, Z23)

reduce:
	MOVL         $0x3F800000, AX
	VPBROADCASTD AX, Z31                // Z31 = 1.0
	MOVL         $0x55, AX
	KMOVW        AX, K2                 // K2: the even 64-bit elements
	// U_k (k = 3ia+ib) into Z(2k+1), pairs into Z(4j), quads to out.
	UPS(Z0, Z1)
	UPS(Z2, Z3)
	UPS(Z4, Z5)
	UPS(Z6, Z7)
	UPS(Z8, Z9)
	UPS(Z10, Z11)
	UPS(Z12, Z13)
	UPS(Z14, Z15)
	UPS(Z16, Z17)
	UPS(Z18, Z19)
	UPS(Z20, Z21)
	UPS(Z22, Z23)
	PAIRPS(Z1, Z3, Z0)
	PAIRPS(Z5, Z7, Z4)
	PAIRPS(Z9, Z11, Z8)
	PAIRPS(Z13, Z15, Z12)
	PAIRPS(Z17, Z19, Z16)
	PAIRPS(Z21, Z23, Z20)
	QUADPS(Z0, Z4, 0)
	QUADPS(Z8, Z12, 32)
	QUADPS(Z16, Z20, 64)
	VZEROUPPER
	RET

// func gramY128(out *[6]complex128, x0, x1, x2, y0, y1 *complex128, m int)
TEXT ·gramY128(SB), NOSPLIT, $0-56
	MOVQ         out+0(FP), R9
	MOVQ         x0+8(FP), AX
	MOVQ         x1+16(FP), BX
	MOVQ         x2+24(FP), CX
	MOVQ         y0+32(FP), SI
	MOVQ         y1+40(FP), DI
	MOVQ         m+48(FP), R11
	ZEROY12
	XORQ         R10, R10
	SHRQ         $1, R11                // R11 = blocks of 2 samples
	JZ           tail

loop:
	VMOVUPD      (AX)(R10*1), Y12
	VMOVUPD      (BX)(R10*1), Y13
	VMOVUPD      (CX)(R10*1), Y14
	VMOVDDUP     (SI)(R10*1), Y15
	DOT3YPD(Y0, Y4, Y8)
	VPERMILPD    $0xF, (SI)(R10*1), Y15
	DOT3YPD(Y1, Y5, Y9)
	VMOVDDUP     (DI)(R10*1), Y15
	DOT3YPD(Y2, Y6, Y10)
	VPERMILPD    $0xF, (DI)(R10*1), Y15
	DOT3YPD(Y3, Y7, Y11)
	ADDQ         $32, R10
	DECQ         R11
	JNZ          loop

tail:
	// The last samples, one at a time in the low lanes (the loads zero
	// the upper lanes): the same operations on zeros there.
	MOVQ         m+48(FP), R11
	ANDQ         $1, R11                // R11 = samples left
	JZ           reduce

tailloop:
	VMOVUPD      (AX)(R10*1), X12
	VMOVUPD      (BX)(R10*1), X13
	VMOVUPD      (CX)(R10*1), X14
	VMOVDDUP     (SI)(R10*1), X15
	DOT3YPD(Y0, Y4, Y8)
	VMOVDDUP     8(SI)(R10*1), X15
	DOT3YPD(Y1, Y5, Y9)
	VMOVDDUP     (DI)(R10*1), X15
	DOT3YPD(Y2, Y6, Y10)
	VMOVDDUP     8(DI)(R10*1), X15
	DOT3YPD(Y3, Y7, Y11)
	ADDQ         $16, R10
	DECQ         R11
	JNZ          tailloop

reduce:
	MOVQ         $0x3FF0000000000000, AX
	VMOVQ        AX, X15
	VBROADCASTSD X15, Y15               // Y15 = 1.0
	// U_k (k = 2ia+ib) into Y(2k+1), pairs to out.
	UYPD(Y0, Y1)
	UYPD(Y2, Y3)
	UYPD(Y4, Y5)
	UYPD(Y6, Y7)
	UYPD(Y8, Y9)
	UYPD(Y10, Y11)
	PAIRYPD(Y1, Y3, 0)
	PAIRYPD(Y5, Y7, 32)
	PAIRYPD(Y9, Y11, 64)
	VZEROUPPER
	RET

// func gramY64(out *[6]complex64, x0, x1, x2, y0, y1 *complex64, m int)
TEXT ·gramY64(SB), NOSPLIT, $0-56
	MOVQ         out+0(FP), R9
	MOVQ         x0+8(FP), AX
	MOVQ         x1+16(FP), BX
	MOVQ         x2+24(FP), CX
	MOVQ         y0+32(FP), SI
	MOVQ         y1+40(FP), DI
	MOVQ         m+48(FP), R11
	ZEROY12
	XORQ         R10, R10
	SHRQ         $2, R11                // R11 = blocks of 4 samples
	JZ           tail

loop:
	VMOVUPS      (AX)(R10*1), Y12
	VMOVUPS      (BX)(R10*1), Y13
	VMOVUPS      (CX)(R10*1), Y14
	VMOVSLDUP    (SI)(R10*1), Y15
	DOT3YPS(Y0, Y4, Y8)
	VMOVSHDUP    (SI)(R10*1), Y15
	DOT3YPS(Y1, Y5, Y9)
	VMOVSLDUP    (DI)(R10*1), Y15
	DOT3YPS(Y2, Y6, Y10)
	VMOVSHDUP    (DI)(R10*1), Y15
	DOT3YPS(Y3, Y7, Y11)
	ADDQ         $32, R10
	DECQ         R11
	JNZ          loop

tail:
	// The last samples, one at a time in the low lanes (the loads zero
	// the upper lanes): the same operations on zeros there.
	MOVQ         m+48(FP), R11
	ANDQ         $3, R11                // R11 = samples left
	JZ           reduce

tailloop:
	VMOVSD       (AX)(R10*1), X12
	VMOVSD       (BX)(R10*1), X13
	VMOVSD       (CX)(R10*1), X14
	VMOVSD       (SI)(R10*1), X15
	VMOVSLDUP    X15, X15
	DOT3YPS(Y0, Y4, Y8)
	VMOVSD       (SI)(R10*1), X15
	VMOVSHDUP    X15, X15
	DOT3YPS(Y1, Y5, Y9)
	VMOVSD       (DI)(R10*1), X15
	VMOVSLDUP    X15, X15
	DOT3YPS(Y2, Y6, Y10)
	VMOVSD       (DI)(R10*1), X15
	VMOVSHDUP    X15, X15
	DOT3YPS(Y3, Y7, Y11)
	ADDQ         $8, R10
	DECQ         R11
	JNZ          tailloop

reduce:
	MOVL         $0x3F800000, AX
	VMOVD        AX, X15
	VBROADCASTSS X15, Y15               // Y15 = 1.0
	// U_k (k = 2ia+ib) into Y(2k+1), pairs to out.
	UYPS(Y0, Y1)
	UYPS(Y2, Y3)
	UYPS(Y4, Y5)
	UYPS(Y6, Y7)
	UYPS(Y8, Y9)
	UYPS(Y10, Y11)
	PAIRYPS(Y1, Y3, 0)
	PAIRYPS(Y5, Y7, 16)
	PAIRYPS(Y9, Y11, 32)
	VZEROUPPER
	RET

