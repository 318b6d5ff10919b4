//go:build amd64 && !purego

#include "textflag.h"

// The Mul micro-kernels. Each call computes a panel of up to six (AVX-512)
// or three (AVX2) rows of dst = A·V + β·dst, over all n columns, in column
// tiles of two vectors per row: 8 complex128 or 16 complex64 with AVX-512,
// 4 complex128 or 8 complex64 with AVX2.
//
// For one tile, every row i keeps four accumulators
//
//	P0, P1 += re(a[i,k])·V[k, tile]   (the two vectors of the tile)
//	Q0, Q1 += im(a[i,k])·V[k, tile]
//
// in the interleaved layout of V (re, im, re, im, …), for k = 0…q−1 in order,
// each a fused multiply-add of a broadcast element of A with a row of V. At
// the end a tile is combined lane by lane into the product and stored,
//
//	re = P.re − Q.im,  im = P.im + Q.re     (Q swapped within each complex,
//	                                         then one subtract/add per lane)
//	dst = that              (load == 0: dst is not read)
//	dst = that + β·dst      (load != 0: one fused multiply-add)
//
// Every element of dst thus goes through the same operations whatever its
// row (the loops for fewer rows are the same code with rows left out), its
// column (lanes do not interact before the combine, which pairs the two
// lanes of one complex value) or the tile that holds it (the last columns
// go through masked loads and stores: the same operations in every lane
// kept). The AVX2 and AVX-512 kernels perform the same operations on each
// element, and so give bitwise the same results.
//
// Arguments (all kernels):
//
//	func(dst, a, v *T, rows, q, n int, beta F, load int)
//
// dst: row 0 of the panel in dst (rows×n); a: row 0 of the panel in A
// (rows×q); v: V (q×n); 1 ≤ rows ≤ 6 (AVX-512) or 3 (AVX2); q ≥ 1; n ≥ 1.

// ---- AVX-512 macros. Z24, Z25: the tile's two vectors of V's row k;
// Z26, Z27: broadcast scratch; Z28: 1.0; Z29: β; Z30, Z31: scratch;
// K1, K2: column masks of the two vectors.

// ZEROZ24 zeroes the AVX-512 accumulators Z0…Z23.
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

// MADDPD accumulates one row of a complex128 tile for one k: re and im
// address the real and imaginary parts of a[i,k].
#define MADDPD(re, im, p0, p1, q0, q1) \
	VBROADCASTSD re, Z26;      \
	VBROADCASTSD im, Z27;      \
	VFMADD231PD  Z24, Z26, p0; \
	VFMADD231PD  Z25, Z26, p1; \
	VFMADD231PD  Z24, Z27, q0; \
	VFMADD231PD  Z25, Z27, q1

// COMBPD leaves in q the products of one vector of a complex128 tile:
// q = (p.re − q.im, p.im + q.re) per complex lane, by swapping the two
// halves of every complex value of q and then p·1 ∓ q (subtract in even,
// add in odd lanes: one rounding, the same as a plain subtract or add).
#define COMBPD(p, q) \
	VPERMILPD      $0x55, q, q; \
	VFMADDSUB231PD Z28, p, q

// STPD stores a row of a complex128 tile (its two vectors at lo and hi).
#define STPD(lo, hi, p0, p1, q0, q1) \
	COMBPD(p0, q0);        \
	COMBPD(p1, q1);        \
	VMOVUPD q0, K1, lo; \
	VMOVUPD q1, K2, hi

// STBPD is STPD adding β times the old contents: dst = product + β·dst.
#define STBPD(lo, hi, p0, p1, q0, q1) \
	COMBPD(p0, q0);            \
	COMBPD(p1, q1);            \
	VMOVUPD.Z   lo, K1, Z30;   \
	VFMADD231PD Z29, Z30, q0;  \
	VMOVUPD     q0, K1, lo;    \
	VMOVUPD.Z   hi, K2, Z31;   \
	VFMADD231PD Z29, Z31, q1;  \
	VMOVUPD     q1, K2, hi

// MADDPS, COMBPS, STPS and STBPS are the complex64 macros.
#define MADDPS(re, im, p0, p1, q0, q1) \
	VBROADCASTSS re, Z26;      \
	VBROADCASTSS im, Z27;      \
	VFMADD231PS  Z24, Z26, p0; \
	VFMADD231PS  Z25, Z26, p1; \
	VFMADD231PS  Z24, Z27, q0; \
	VFMADD231PS  Z25, Z27, q1

#define COMBPS(p, q) \
	VPERMILPS      $0xB1, q, q; \
	VFMADDSUB231PS Z28, p, q

#define STPS(lo, hi, p0, p1, q0, q1) \
	COMBPS(p0, q0);        \
	COMBPS(p1, q1);        \
	VMOVUPS q0, K1, lo; \
	VMOVUPS q1, K2, hi

#define STBPS(lo, hi, p0, p1, q0, q1) \
	COMBPS(p0, q0);            \
	COMBPS(p1, q1);            \
	VMOVUPS.Z   lo, K1, Z30;   \
	VFMADD231PS Z29, Z30, q0;  \
	VMOVUPS     q0, K1, lo;    \
	VMOVUPS.Z   hi, K2, Z31;   \
	VFMADD231PS Z29, Z31, q1;  \
	VMOVUPS     q1, K2, hi

// ---- AVX2 macros. Y12, Y13: the tile's vectors of V's row k (Y12 alone
// in the tail); Y14: broadcast scratch (re, then im: register renaming
// makes the reuse free); Y15: the tail mask. In the combine, Y13 holds β
// and Y12, Y14 are scratch.

// ZEROY12 zeroes the AVX2 accumulators Y0…Y11.
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

// MADDYPD accumulates one row of a complex128 tile for one k.
#define MADDYPD(re, im, p0, p1, q0, q1) \
	VBROADCASTSD re, Y14;      \
	VFMADD231PD  Y12, Y14, p0; \
	VFMADD231PD  Y13, Y14, p1; \
	VBROADCASTSD im, Y14;      \
	VFMADD231PD  Y12, Y14, q0; \
	VFMADD231PD  Y13, Y14, q1

// MADD1YPD is MADDYPD for the one-vector tail tile.
#define MADD1YPD(re, im, p0, q0) \
	VBROADCASTSD re, Y14;      \
	VFMADD231PD  Y12, Y14, p0; \
	VBROADCASTSD im, Y14;      \
	VFMADD231PD  Y12, Y14, q0

// COMBYPD is COMBPD: q = p ∓ swap(q), one rounding per lane.
#define COMBYPD(p, q) \
	VPERMILPD $5, q, q; \
	VADDSUBPD q, p, q

// STYPD, STBYPD store a row of a complex128 tile (β = 0, β ≠ 0).
#define STYPD(lo, hi, p0, p1, q0, q1) \
	COMBYPD(p0, q0); \
	COMBYPD(p1, q1); \
	VMOVUPD q0, lo;  \
	VMOVUPD q1, hi

#define STBYPD(lo, hi, p0, p1, q0, q1) \
	COMBYPD(p0, q0);           \
	COMBYPD(p1, q1);           \
	VMOVUPD     lo, Y12;       \
	VFMADD231PD Y13, Y12, q0;  \
	VMOVUPD     q0, lo;        \
	VMOVUPD     hi, Y14;       \
	VFMADD231PD Y13, Y14, q1;  \
	VMOVUPD     q1, hi

// STMYPD, STBMYPD store the masked vector of a row of the tail tile.
#define STMYPD(lo, p0, q0) \
	COMBYPD(p0, q0); \
	VMASKMOVPD q0, Y15, lo

#define STBMYPD(lo, p0, q0) \
	COMBYPD(p0, q0);           \
	VMASKMOVPD  lo, Y15, Y12;  \
	VFMADD231PD Y13, Y12, q0;  \
	VMASKMOVPD  q0, Y15, lo

// The complex64 AVX2 macros.
#define MADDYPS(re, im, p0, p1, q0, q1) \
	VBROADCASTSS re, Y14;      \
	VFMADD231PS  Y12, Y14, p0; \
	VFMADD231PS  Y13, Y14, p1; \
	VBROADCASTSS im, Y14;      \
	VFMADD231PS  Y12, Y14, q0; \
	VFMADD231PS  Y13, Y14, q1

#define MADD1YPS(re, im, p0, q0) \
	VBROADCASTSS re, Y14;      \
	VFMADD231PS  Y12, Y14, p0; \
	VBROADCASTSS im, Y14;      \
	VFMADD231PS  Y12, Y14, q0

#define COMBYPS(p, q) \
	VPERMILPS $0xB1, q, q; \
	VADDSUBPS q, p, q

#define STYPS(lo, hi, p0, p1, q0, q1) \
	COMBYPS(p0, q0); \
	COMBYPS(p1, q1); \
	VMOVUPS q0, lo;  \
	VMOVUPS q1, hi

#define STBYPS(lo, hi, p0, p1, q0, q1) \
	COMBYPS(p0, q0);           \
	COMBYPS(p1, q1);           \
	VMOVUPS     lo, Y12;       \
	VFMADD231PS Y13, Y12, q0;  \
	VMOVUPS     q0, lo;        \
	VMOVUPS     hi, Y14;       \
	VFMADD231PS Y13, Y14, q1;  \
	VMOVUPS     q1, hi

#define STMYPS(lo, p0, q0) \
	COMBYPS(p0, q0); \
	VMASKMOVPS q0, Y15, lo

#define STBMYPS(lo, p0, q0) \
	COMBYPS(p0, q0);           \
	VMASKMOVPS  lo, Y15, Y12;  \
	VFMADD231PS Y13, Y12, q0;  \
	VMASKMOVPS  q0, Y15, lo

// tailmask is 32 bytes of ones followed by 32 bytes of zeros: the 32 bytes
// at tailmask+32−b are the VMASKMOV mask of the first b bytes of a vector.
DATA tailmask<>+0x00(SB)/8, $-1
DATA tailmask<>+0x08(SB)/8, $-1
DATA tailmask<>+0x10(SB)/8, $-1
DATA tailmask<>+0x18(SB)/8, $-1
DATA tailmask<>+0x20(SB)/8, $0
DATA tailmask<>+0x28(SB)/8, $0
DATA tailmask<>+0x30(SB)/8, $0
DATA tailmask<>+0x38(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// mulZ512: the AVX-512 Mul kernel for complex128; tiles of 6 rows × 8 columns.
//
// Registers: Z0…Z23 accumulators (row i: P0, P1, Q0, Q1 = Z4i…Z4i+3);
// Z24…Z31 as in the macros; DI dst and DX v at the current tile, SI a,
// BX rows, R13 q, R12 columns left, R8 row stride of A, R9 row stride of
// V and dst, R14 load; in the k loop AX and R11 rows 0 and 3 of A at k,
// R10 row k of V at the tile, CX the k count.
//
// func mulZ512(dst, a, v *complex128, rows, q, n int, beta float64, load int)
TEXT ·mulZ512(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         v+16(FP), DX
	MOVQ         rows+24(FP), BX
	MOVQ         q+32(FP), R13
	MOVQ         n+40(FP), R12          // R12 = columns left
	VBROADCASTSD beta+48(FP), Z29
	MOVQ         load+56(FP), R14
	MOVQ         R13, R8
	SHLQ         $4, R8                 // R8 = row stride of A, bytes
	MOVQ         R12, R9
	SHLQ         $4, R9                 // R9 = row stride of V and dst, bytes
	MOVQ         $0x3FF0000000000000, AX
	VPBROADCASTQ AX, Z28                // Z28 = 1.0

panel:
	// K1, K2: the columns of this tile; all of them except in the last tile.
	KXNORW       K1, K1, K1
	KXNORW       K2, K2, K2
	CMPQ         R12, $8
	JGE          zero
	MOVQ         R12, CX
	SHLQ         $1, CX                 // two lanes per complex value
	MOVL         $1, AX
	SHLQ         CX, AX
	DECQ         AX                     // AX = (1 << lanes) − 1
	KMOVW        AX, K1
	SHRQ         $8, AX
	KMOVW        AX, K2

zero:
	// Zero the accumulators, point at row 0 of A and row 0 of V, and enter
	// the k loop written out for this number of rows.
	ZEROZ24
	MOVQ         SI, AX                 // AX = row 0 of A at k
	LEAQ         (SI)(R8*2), R11
	ADDQ         R8, R11                // R11 = row 3 of A at k
	MOVQ         DX, R10                // R10 = row k of V in the tile
	MOVQ         R13, CX
	TESTQ        CX, CX
	JZ           combine
	CMPQ         BX, $6
	JEQ          rows6
	CMPQ         BX, $5
	JEQ          rows5
	CMPQ         BX, $4
	JEQ          rows4
	CMPQ         BX, $3
	JEQ          rows3
	CMPQ         BX, $2
	JEQ          rows2

rows1:
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    64(R10), K2, Z25
	MADDPD((AX), 8(AX), Z0, Z1, Z2, Z3)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows1
	JMP          combine

rows2:
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    64(R10), K2, Z25
	MADDPD((AX), 8(AX), Z0, Z1, Z2, Z3)
	MADDPD((AX)(R8*1), 8(AX)(R8*1), Z4, Z5, Z6, Z7)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows2
	JMP          combine

rows3:
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    64(R10), K2, Z25
	MADDPD((AX), 8(AX), Z0, Z1, Z2, Z3)
	MADDPD((AX)(R8*1), 8(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPD((AX)(R8*2), 8(AX)(R8*2), Z8, Z9, Z10, Z11)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows3
	JMP          combine

rows4:
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    64(R10), K2, Z25
	MADDPD((AX), 8(AX), Z0, Z1, Z2, Z3)
	MADDPD((AX)(R8*1), 8(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPD((AX)(R8*2), 8(AX)(R8*2), Z8, Z9, Z10, Z11)
	MADDPD((R11), 8(R11), Z12, Z13, Z14, Z15)
	ADDQ         $16, AX
	ADDQ         $16, R11
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows4
	JMP          combine

rows5:
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    64(R10), K2, Z25
	MADDPD((AX), 8(AX), Z0, Z1, Z2, Z3)
	MADDPD((AX)(R8*1), 8(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPD((AX)(R8*2), 8(AX)(R8*2), Z8, Z9, Z10, Z11)
	MADDPD((R11), 8(R11), Z12, Z13, Z14, Z15)
	MADDPD((R11)(R8*1), 8(R11)(R8*1), Z16, Z17, Z18, Z19)
	ADDQ         $16, AX
	ADDQ         $16, R11
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows5
	JMP          combine

rows6:
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    64(R10), K2, Z25
	MADDPD((AX), 8(AX), Z0, Z1, Z2, Z3)
	MADDPD((AX)(R8*1), 8(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPD((AX)(R8*2), 8(AX)(R8*2), Z8, Z9, Z10, Z11)
	MADDPD((R11), 8(R11), Z12, Z13, Z14, Z15)
	MADDPD((R11)(R8*1), 8(R11)(R8*1), Z16, Z17, Z18, Z19)
	MADDPD((R11)(R8*2), 8(R11)(R8*2), Z20, Z21, Z22, Z23)
	ADDQ         $16, AX
	ADDQ         $16, R11
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows6
	JMP          combine

combine:
	// Combine the accumulators of each row and store them, rows 0, 1, 2 at
	// DI, 3, 4, 5 at R11.
	LEAQ         (DI)(R9*2), R11
	ADDQ         R9, R11                // R11 = row 3 of dst
	TESTQ        R14, R14
	JNZ          combineb
	STPD((DI), 64(DI), Z0, Z1, Z2, Z3)
	CMPQ         BX, $2
	JLT          next
	STPD((DI)(R9*1), 64(DI)(R9*1), Z4, Z5, Z6, Z7)
	CMPQ         BX, $3
	JLT          next
	STPD((DI)(R9*2), 64(DI)(R9*2), Z8, Z9, Z10, Z11)
	CMPQ         BX, $4
	JLT          next
	STPD((R11), 64(R11), Z12, Z13, Z14, Z15)
	CMPQ         BX, $5
	JLT          next
	STPD((R11)(R9*1), 64(R11)(R9*1), Z16, Z17, Z18, Z19)
	CMPQ         BX, $6
	JLT          next
	STPD((R11)(R9*2), 64(R11)(R9*2), Z20, Z21, Z22, Z23)
	JMP          next

combineb:
	STBPD((DI), 64(DI), Z0, Z1, Z2, Z3)
	CMPQ         BX, $2
	JLT          next
	STBPD((DI)(R9*1), 64(DI)(R9*1), Z4, Z5, Z6, Z7)
	CMPQ         BX, $3
	JLT          next
	STBPD((DI)(R9*2), 64(DI)(R9*2), Z8, Z9, Z10, Z11)
	CMPQ         BX, $4
	JLT          next
	STBPD((R11), 64(R11), Z12, Z13, Z14, Z15)
	CMPQ         BX, $5
	JLT          next
	STBPD((R11)(R9*1), 64(R11)(R9*1), Z16, Z17, Z18, Z19)
	CMPQ         BX, $6
	JLT          next
	STBPD((R11)(R9*2), 64(R11)(R9*2), Z20, Z21, Z22, Z23)

next:
	ADDQ         $128, DI
	ADDQ         $128, DX
	SUBQ         $8, R12
	JG           panel
	VZEROUPPER
	RET

// mulC512: the AVX-512 Mul kernel for complex64; tiles of 6 rows × 16 columns.
//
// Registers: Z0…Z23 accumulators (row i: P0, P1, Q0, Q1 = Z4i…Z4i+3);
// Z24…Z31 as in the macros; DI dst and DX v at the current tile, SI a,
// BX rows, R13 q, R12 columns left, R8 row stride of A, R9 row stride of
// V and dst, R14 load; in the k loop AX and R11 rows 0 and 3 of A at k,
// R10 row k of V at the tile, CX the k count.
//
// func mulC512(dst, a, v *complex64, rows, q, n int, beta float32, load int)
TEXT ·mulC512(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         v+16(FP), DX
	MOVQ         rows+24(FP), BX
	MOVQ         q+32(FP), R13
	MOVQ         n+40(FP), R12          // R12 = columns left
	VBROADCASTSS beta+48(FP), Z29
	MOVQ         load+56(FP), R14
	MOVQ         R13, R8
	SHLQ         $3, R8                 // R8 = row stride of A, bytes
	MOVQ         R12, R9
	SHLQ         $3, R9                 // R9 = row stride of V and dst, bytes
	MOVL         $0x3F800000, AX
	VPBROADCASTD AX, Z28                // Z28 = 1.0

panel:
	// K1, K2: the columns of this tile; all of them except in the last tile.
	KXNORW       K1, K1, K1
	KXNORW       K2, K2, K2
	CMPQ         R12, $16
	JGE          zero
	MOVQ         R12, CX
	SHLQ         $1, CX                 // two lanes per complex value
	MOVL         $1, AX
	SHLQ         CX, AX
	DECQ         AX                     // AX = (1 << lanes) − 1
	KMOVW        AX, K1
	SHRQ         $16, AX
	KMOVW        AX, K2

zero:
	// Zero the accumulators, point at row 0 of A and row 0 of V, and enter
	// the k loop written out for this number of rows.
	ZEROZ24
	MOVQ         SI, AX                 // AX = row 0 of A at k
	LEAQ         (SI)(R8*2), R11
	ADDQ         R8, R11                // R11 = row 3 of A at k
	MOVQ         DX, R10                // R10 = row k of V in the tile
	MOVQ         R13, CX
	TESTQ        CX, CX
	JZ           combine
	CMPQ         BX, $6
	JEQ          rows6
	CMPQ         BX, $5
	JEQ          rows5
	CMPQ         BX, $4
	JEQ          rows4
	CMPQ         BX, $3
	JEQ          rows3
	CMPQ         BX, $2
	JEQ          rows2

rows1:
	VMOVUPS.Z    (R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	MADDPS((AX), 4(AX), Z0, Z1, Z2, Z3)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows1
	JMP          combine

rows2:
	VMOVUPS.Z    (R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	MADDPS((AX), 4(AX), Z0, Z1, Z2, Z3)
	MADDPS((AX)(R8*1), 4(AX)(R8*1), Z4, Z5, Z6, Z7)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows2
	JMP          combine

rows3:
	VMOVUPS.Z    (R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	MADDPS((AX), 4(AX), Z0, Z1, Z2, Z3)
	MADDPS((AX)(R8*1), 4(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPS((AX)(R8*2), 4(AX)(R8*2), Z8, Z9, Z10, Z11)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows3
	JMP          combine

rows4:
	VMOVUPS.Z    (R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	MADDPS((AX), 4(AX), Z0, Z1, Z2, Z3)
	MADDPS((AX)(R8*1), 4(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPS((AX)(R8*2), 4(AX)(R8*2), Z8, Z9, Z10, Z11)
	MADDPS((R11), 4(R11), Z12, Z13, Z14, Z15)
	ADDQ         $8, AX
	ADDQ         $8, R11
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows4
	JMP          combine

rows5:
	VMOVUPS.Z    (R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	MADDPS((AX), 4(AX), Z0, Z1, Z2, Z3)
	MADDPS((AX)(R8*1), 4(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPS((AX)(R8*2), 4(AX)(R8*2), Z8, Z9, Z10, Z11)
	MADDPS((R11), 4(R11), Z12, Z13, Z14, Z15)
	MADDPS((R11)(R8*1), 4(R11)(R8*1), Z16, Z17, Z18, Z19)
	ADDQ         $8, AX
	ADDQ         $8, R11
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows5
	JMP          combine

rows6:
	VMOVUPS.Z    (R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	MADDPS((AX), 4(AX), Z0, Z1, Z2, Z3)
	MADDPS((AX)(R8*1), 4(AX)(R8*1), Z4, Z5, Z6, Z7)
	MADDPS((AX)(R8*2), 4(AX)(R8*2), Z8, Z9, Z10, Z11)
	MADDPS((R11), 4(R11), Z12, Z13, Z14, Z15)
	MADDPS((R11)(R8*1), 4(R11)(R8*1), Z16, Z17, Z18, Z19)
	MADDPS((R11)(R8*2), 4(R11)(R8*2), Z20, Z21, Z22, Z23)
	ADDQ         $8, AX
	ADDQ         $8, R11
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows6
	JMP          combine

combine:
	// Combine the accumulators of each row and store them, rows 0, 1, 2 at
	// DI, 3, 4, 5 at R11.
	LEAQ         (DI)(R9*2), R11
	ADDQ         R9, R11                // R11 = row 3 of dst
	TESTQ        R14, R14
	JNZ          combineb
	STPS((DI), 64(DI), Z0, Z1, Z2, Z3)
	CMPQ         BX, $2
	JLT          next
	STPS((DI)(R9*1), 64(DI)(R9*1), Z4, Z5, Z6, Z7)
	CMPQ         BX, $3
	JLT          next
	STPS((DI)(R9*2), 64(DI)(R9*2), Z8, Z9, Z10, Z11)
	CMPQ         BX, $4
	JLT          next
	STPS((R11), 64(R11), Z12, Z13, Z14, Z15)
	CMPQ         BX, $5
	JLT          next
	STPS((R11)(R9*1), 64(R11)(R9*1), Z16, Z17, Z18, Z19)
	CMPQ         BX, $6
	JLT          next
	STPS((R11)(R9*2), 64(R11)(R9*2), Z20, Z21, Z22, Z23)
	JMP          next

combineb:
	STBPS((DI), 64(DI), Z0, Z1, Z2, Z3)
	CMPQ         BX, $2
	JLT          next
	STBPS((DI)(R9*1), 64(DI)(R9*1), Z4, Z5, Z6, Z7)
	CMPQ         BX, $3
	JLT          next
	STBPS((DI)(R9*2), 64(DI)(R9*2), Z8, Z9, Z10, Z11)
	CMPQ         BX, $4
	JLT          next
	STBPS((R11), 64(R11), Z12, Z13, Z14, Z15)
	CMPQ         BX, $5
	JLT          next
	STBPS((R11)(R9*1), 64(R11)(R9*1), Z16, Z17, Z18, Z19)
	CMPQ         BX, $6
	JLT          next
	STBPS((R11)(R9*2), 64(R11)(R9*2), Z20, Z21, Z22, Z23)

next:
	ADDQ         $128, DI
	ADDQ         $128, DX
	SUBQ         $16, R12
	JG           panel
	VZEROUPPER
	RET

// mulY128: the AVX2 Mul kernel for complex128; tiles of 3 rows × 4 columns, then
// the last columns in tiles of one masked vector (2 columns).
//
// Registers: Y0…Y11 accumulators (row i: P0, P1, Q0, Q1 = Y4i…Y4i+3; the
// tail tiles use P0, Q0); Y12…Y15 as in the macros; DI dst and DX v at
// the current tile, SI a, BX rows, R13 q, R12 columns left, R8 row stride
// of A, R9 row stride of V and dst, R14 load, R11 columns of the tail
// tile; in the k loop AX row 0 of A at k, R10 row k of V at the tile, CX
// the k count.
//
// func mulY128(dst, a, v *complex128, rows, q, n int, beta float64, load int)
TEXT ·mulY128(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         v+16(FP), DX
	MOVQ         rows+24(FP), BX
	MOVQ         q+32(FP), R13
	MOVQ         n+40(FP), R12          // R12 = columns left
	MOVQ         load+56(FP), R14
	MOVQ         R13, R8
	SHLQ         $4, R8                 // R8 = row stride of A, bytes
	MOVQ         R12, R9
	SHLQ         $4, R9                 // R9 = row stride of V and dst, bytes

panel:
	CMPQ         R12, $4
	JLT          tail
	ZEROY12
	MOVQ         SI, AX                 // AX = row 0 of A at k
	MOVQ         DX, R10                // R10 = row k of V in the tile
	MOVQ         R13, CX
	TESTQ        CX, CX
	JZ           combine
	CMPQ         BX, $3
	JEQ          rows3
	CMPQ         BX, $2
	JEQ          rows2

rows1:
	VMOVUPD      (R10), Y12
	VMOVUPD      32(R10), Y13
	MADDYPD((AX), 8(AX), Y0, Y1, Y2, Y3)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows1
	JMP          combine

rows2:
	VMOVUPD      (R10), Y12
	VMOVUPD      32(R10), Y13
	MADDYPD((AX), 8(AX), Y0, Y1, Y2, Y3)
	MADDYPD((AX)(R8*1), 8(AX)(R8*1), Y4, Y5, Y6, Y7)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows2
	JMP          combine

rows3:
	VMOVUPD      (R10), Y12
	VMOVUPD      32(R10), Y13
	MADDYPD((AX), 8(AX), Y0, Y1, Y2, Y3)
	MADDYPD((AX)(R8*1), 8(AX)(R8*1), Y4, Y5, Y6, Y7)
	MADDYPD((AX)(R8*2), 8(AX)(R8*2), Y8, Y9, Y10, Y11)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows3
	JMP          combine

combine:
	VBROADCASTSD beta+48(FP), Y13
	TESTQ        R14, R14
	JNZ          combineb
	STYPD((DI), 32(DI), Y0, Y1, Y2, Y3)
	CMPQ         BX, $2
	JLT          next
	STYPD((DI)(R9*1), 32(DI)(R9*1), Y4, Y5, Y6, Y7)
	CMPQ         BX, $3
	JLT          next
	STYPD((DI)(R9*2), 32(DI)(R9*2), Y8, Y9, Y10, Y11)
	JMP          next

combineb:
	STBYPD((DI), 32(DI), Y0, Y1, Y2, Y3)
	CMPQ         BX, $2
	JLT          next
	STBYPD((DI)(R9*1), 32(DI)(R9*1), Y4, Y5, Y6, Y7)
	CMPQ         BX, $3
	JLT          next
	STBYPD((DI)(R9*2), 32(DI)(R9*2), Y8, Y9, Y10, Y11)

next:
	ADDQ         $64, DI
	ADDQ         $64, DX
	SUBQ         $4, R12
	JMP          panel

tail:
	// The last columns, one vector (at most 2 values) at a time: Y15 is
	// the mask of the vector's w = min(R12, 2) values.
	TESTQ        R12, R12
	JZ           done
	MOVQ         R12, R11
	CMPQ         R11, $2
	JLE          mask
	MOVQ         $2, R11                // R11 = w

mask:
	MOVQ         R11, CX
	SHLQ         $4, CX
	LEAQ         tailmask<>+32(SB), AX
	SUBQ         CX, AX
	VMOVDQU      (AX), Y15              // w·16 bytes of ones, then zeros
	ZEROY12
	MOVQ         SI, AX
	MOVQ         DX, R10
	MOVQ         R13, CX
	TESTQ        CX, CX
	JZ           tcombine
	CMPQ         BX, $3
	JEQ          trows3
	CMPQ         BX, $2
	JEQ          trows2

trows1:
	VMASKMOVPD   (R10), Y15, Y12
	MADD1YPD((AX), 8(AX), Y0, Y2)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          trows1
	JMP          tcombine

trows2:
	VMASKMOVPD   (R10), Y15, Y12
	MADD1YPD((AX), 8(AX), Y0, Y2)
	MADD1YPD((AX)(R8*1), 8(AX)(R8*1), Y4, Y6)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          trows2
	JMP          tcombine

trows3:
	VMASKMOVPD   (R10), Y15, Y12
	MADD1YPD((AX), 8(AX), Y0, Y2)
	MADD1YPD((AX)(R8*1), 8(AX)(R8*1), Y4, Y6)
	MADD1YPD((AX)(R8*2), 8(AX)(R8*2), Y8, Y10)
	ADDQ         $16, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          trows3
	JMP          tcombine

tcombine:
	VBROADCASTSD beta+48(FP), Y13
	TESTQ        R14, R14
	JNZ          tcombineb
	STMYPD((DI), Y0, Y2)
	CMPQ         BX, $2
	JLT          tnext
	STMYPD((DI)(R9*1), Y4, Y6)
	CMPQ         BX, $3
	JLT          tnext
	STMYPD((DI)(R9*2), Y8, Y10)
	JMP          tnext

tcombineb:
	STBMYPD((DI), Y0, Y2)
	CMPQ         BX, $2
	JLT          tnext
	STBMYPD((DI)(R9*1), Y4, Y6)
	CMPQ         BX, $3
	JLT          tnext
	STBMYPD((DI)(R9*2), Y8, Y10)

tnext:
	MOVQ         R11, CX
	SHLQ         $4, CX
	ADDQ         CX, DI
	ADDQ         CX, DX
	SUBQ         R11, R12
	JMP          tail

done:
	VZEROUPPER
	RET

// mulY64: the AVX2 Mul kernel for complex64; tiles of 3 rows × 8 columns, then
// the last columns in tiles of one masked vector (4 columns).
//
// Registers: Y0…Y11 accumulators (row i: P0, P1, Q0, Q1 = Y4i…Y4i+3; the
// tail tiles use P0, Q0); Y12…Y15 as in the macros; DI dst and DX v at
// the current tile, SI a, BX rows, R13 q, R12 columns left, R8 row stride
// of A, R9 row stride of V and dst, R14 load, R11 columns of the tail
// tile; in the k loop AX row 0 of A at k, R10 row k of V at the tile, CX
// the k count.
//
// func mulY64(dst, a, v *complex64, rows, q, n int, beta float32, load int)
TEXT ·mulY64(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         v+16(FP), DX
	MOVQ         rows+24(FP), BX
	MOVQ         q+32(FP), R13
	MOVQ         n+40(FP), R12          // R12 = columns left
	MOVQ         load+56(FP), R14
	MOVQ         R13, R8
	SHLQ         $3, R8                 // R8 = row stride of A, bytes
	MOVQ         R12, R9
	SHLQ         $3, R9                 // R9 = row stride of V and dst, bytes

panel:
	CMPQ         R12, $8
	JLT          tail
	ZEROY12
	MOVQ         SI, AX                 // AX = row 0 of A at k
	MOVQ         DX, R10                // R10 = row k of V in the tile
	MOVQ         R13, CX
	TESTQ        CX, CX
	JZ           combine
	CMPQ         BX, $3
	JEQ          rows3
	CMPQ         BX, $2
	JEQ          rows2

rows1:
	VMOVUPS      (R10), Y12
	VMOVUPS      32(R10), Y13
	MADDYPS((AX), 4(AX), Y0, Y1, Y2, Y3)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows1
	JMP          combine

rows2:
	VMOVUPS      (R10), Y12
	VMOVUPS      32(R10), Y13
	MADDYPS((AX), 4(AX), Y0, Y1, Y2, Y3)
	MADDYPS((AX)(R8*1), 4(AX)(R8*1), Y4, Y5, Y6, Y7)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows2
	JMP          combine

rows3:
	VMOVUPS      (R10), Y12
	VMOVUPS      32(R10), Y13
	MADDYPS((AX), 4(AX), Y0, Y1, Y2, Y3)
	MADDYPS((AX)(R8*1), 4(AX)(R8*1), Y4, Y5, Y6, Y7)
	MADDYPS((AX)(R8*2), 4(AX)(R8*2), Y8, Y9, Y10, Y11)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          rows3
	JMP          combine

combine:
	VBROADCASTSS beta+48(FP), Y13
	TESTQ        R14, R14
	JNZ          combineb
	STYPS((DI), 32(DI), Y0, Y1, Y2, Y3)
	CMPQ         BX, $2
	JLT          next
	STYPS((DI)(R9*1), 32(DI)(R9*1), Y4, Y5, Y6, Y7)
	CMPQ         BX, $3
	JLT          next
	STYPS((DI)(R9*2), 32(DI)(R9*2), Y8, Y9, Y10, Y11)
	JMP          next

combineb:
	STBYPS((DI), 32(DI), Y0, Y1, Y2, Y3)
	CMPQ         BX, $2
	JLT          next
	STBYPS((DI)(R9*1), 32(DI)(R9*1), Y4, Y5, Y6, Y7)
	CMPQ         BX, $3
	JLT          next
	STBYPS((DI)(R9*2), 32(DI)(R9*2), Y8, Y9, Y10, Y11)

next:
	ADDQ         $64, DI
	ADDQ         $64, DX
	SUBQ         $8, R12
	JMP          panel

tail:
	// The last columns, one vector (at most 4 values) at a time: Y15 is
	// the mask of the vector's w = min(R12, 4) values.
	TESTQ        R12, R12
	JZ           done
	MOVQ         R12, R11
	CMPQ         R11, $4
	JLE          mask
	MOVQ         $4, R11                // R11 = w

mask:
	MOVQ         R11, CX
	SHLQ         $3, CX
	LEAQ         tailmask<>+32(SB), AX
	SUBQ         CX, AX
	VMOVDQU      (AX), Y15              // w·8 bytes of ones, then zeros
	ZEROY12
	MOVQ         SI, AX
	MOVQ         DX, R10
	MOVQ         R13, CX
	TESTQ        CX, CX
	JZ           tcombine
	CMPQ         BX, $3
	JEQ          trows3
	CMPQ         BX, $2
	JEQ          trows2

trows1:
	VMASKMOVPS   (R10), Y15, Y12
	MADD1YPS((AX), 4(AX), Y0, Y2)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          trows1
	JMP          tcombine

trows2:
	VMASKMOVPS   (R10), Y15, Y12
	MADD1YPS((AX), 4(AX), Y0, Y2)
	MADD1YPS((AX)(R8*1), 4(AX)(R8*1), Y4, Y6)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          trows2
	JMP          tcombine

trows3:
	VMASKMOVPS   (R10), Y15, Y12
	MADD1YPS((AX), 4(AX), Y0, Y2)
	MADD1YPS((AX)(R8*1), 4(AX)(R8*1), Y4, Y6)
	MADD1YPS((AX)(R8*2), 4(AX)(R8*2), Y8, Y10)
	ADDQ         $8, AX
	ADDQ         R9, R10
	DECQ         CX
	JNZ          trows3
	JMP          tcombine

tcombine:
	VBROADCASTSS beta+48(FP), Y13
	TESTQ        R14, R14
	JNZ          tcombineb
	STMYPS((DI), Y0, Y2)
	CMPQ         BX, $2
	JLT          tnext
	STMYPS((DI)(R9*1), Y4, Y6)
	CMPQ         BX, $3
	JLT          tnext
	STMYPS((DI)(R9*2), Y8, Y10)
	JMP          tnext

tcombineb:
	STBMYPS((DI), Y0, Y2)
	CMPQ         BX, $2
	JLT          tnext
	STBMYPS((DI)(R9*1), Y4, Y6)
	CMPQ         BX, $3
	JLT          tnext
	STBMYPS((DI)(R9*2), Y8, Y10)

tnext:
	MOVQ         R11, CX
	SHLQ         $3, CX
	ADDQ         CX, DI
	ADDQ         CX, DX
	SUBQ         R11, R12
	JMP          tail

done:
	VZEROUPPER
	RET

