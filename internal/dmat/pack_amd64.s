//go:build amd64 && !purego

#include "textflag.h"

// Packing routines of the AVX-512 implementation (see pack_amd64.go).

// func packCopy64(dst, src *float64, lds, dsts, l, nv, lmask, smask int)
//
// For q in [0, l): copies the elements of src[q·lds:] whose bit is set in
// lmask to dst[q·dsts:], zeroing the others among those set in smask; nv
// (1…3) zmm vectors of 8 elements per row. Bit 8v+e of a mask is element e
// of vector v. Masked-out lanes are not accessed.
TEXT ·packCopy64(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $3, R8
	MOVQ dsts+24(FP), R9
	SHLQ $3, R9
	MOVQ l+32(FP), CX
	MOVQ nv+40(FP), DX
	MOVQ lmask+48(FP), AX
	MOVQ smask+56(FP), BX
	KMOVW AX, K1
	KMOVW BX, K4
	SHRQ $8, AX
	SHRQ $8, BX
	KMOVW AX, K2
	KMOVW BX, K5
	SHRQ $8, AX
	SHRQ $8, BX
	KMOVW AX, K3
	KMOVW BX, K6
	TESTQ CX, CX
	JZ    done64
	CMPQ  DX, $2
	JEQ   loop64x2
	JGT   loop64x3

loop64x1:
	VMOVUPD.Z (SI), K1, Z0
	VMOVUPD   Z0, K4, (DI)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JNZ       loop64x1
	JMP       done64

loop64x2:
	VMOVUPD.Z (SI), K1, Z0
	VMOVUPD.Z 64(SI), K2, Z1
	VMOVUPD   Z0, K4, (DI)
	VMOVUPD   Z1, K5, 64(DI)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JNZ       loop64x2
	JMP       done64

loop64x3:
	VMOVUPD.Z (SI), K1, Z0
	VMOVUPD.Z 64(SI), K2, Z1
	VMOVUPD.Z 128(SI), K3, Z2
	VMOVUPD   Z0, K4, (DI)
	VMOVUPD   Z1, K5, 64(DI)
	VMOVUPD   Z2, K6, 128(DI)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JNZ       loop64x3

done64:
	VZEROUPPER
	RET

// func packCopy32(dst, src *float32, lds, dsts, l, nv, lmask, smask int)
//
// packCopy64 for float32: vectors of 16 elements, 16 mask bits each.
TEXT ·packCopy32(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $2, R8
	MOVQ dsts+24(FP), R9
	SHLQ $2, R9
	MOVQ l+32(FP), CX
	MOVQ nv+40(FP), DX
	MOVQ lmask+48(FP), AX
	MOVQ smask+56(FP), BX
	KMOVW AX, K1
	KMOVW BX, K4
	SHRQ $16, AX
	SHRQ $16, BX
	KMOVW AX, K2
	KMOVW BX, K5
	SHRQ $16, AX
	SHRQ $16, BX
	KMOVW AX, K3
	KMOVW BX, K6
	TESTQ CX, CX
	JZ    done32
	CMPQ  DX, $2
	JEQ   loop32x2
	JGT   loop32x3

loop32x1:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS   Z0, K4, (DI)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JNZ       loop32x1
	JMP       done32

loop32x2:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS   Z0, K4, (DI)
	VMOVUPS   Z1, K5, 64(DI)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JNZ       loop32x2
	JMP       done32

loop32x3:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z 128(SI), K3, Z2
	VMOVUPS   Z0, K4, (DI)
	VMOVUPS   Z1, K5, 64(DI)
	VMOVUPS   Z2, K6, 128(DI)
	ADDQ      R8, SI
	ADDQ      R9, DI
	DECQ      CX
	JNZ       loop32x3

done32:
	VZEROUPPER
	RET

// func packTrans64(dst, src *float64, lds, dsts, l8 int)
//
// Transposes 8 rows of src (row stride lds) into groups of 8 in dst (group
// stride dsts): dst[q·dsts+r] = src[r·lds+q] for r < 8, q < 8·l8, one 8×8
// block per iteration (24 shuffles: unpack pairs of rows, then gather
// 128-bit lanes twice).
TEXT ·packTrans64(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $3, R8             // row stride in bytes
	MOVQ dsts+24(FP), DX
	SHLQ $3, DX             // group stride in bytes
	MOVQ l8+32(FP), CX
	LEAQ (R8)(R8*2), R9     // 3·lds
	LEAQ (R8)(R8*4), R10    // 5·lds
	LEAQ (R9)(R8*4), R11    // 7·lds
	LEAQ (DX)(DX*2), R12    // 3·dsts
	MOVQ DX, R13
	SHLQ $3, R13            // 8 groups
	TESTQ CX, CX
	JZ    donet64

loopt64:
	// Rows r0…r7, elements q…q+7.
	VMOVUPD (SI), Z0
	VMOVUPD (SI)(R8*1), Z1
	VMOVUPD (SI)(R8*2), Z2
	VMOVUPD (SI)(R9*1), Z3
	VMOVUPD (SI)(R8*4), Z4
	VMOVUPD (SI)(R10*1), Z5
	VMOVUPD (SI)(R9*2), Z6
	VMOVUPD (SI)(R11*1), Z7

	// t0 = (r0[e], r1[e]) for even e, t1 for odd e; t2, t3 rows 2, 3 …
	VUNPCKLPD Z1, Z0, Z8
	VUNPCKHPD Z1, Z0, Z9
	VUNPCKLPD Z3, Z2, Z10
	VUNPCKHPD Z3, Z2, Z11
	VUNPCKLPD Z5, Z4, Z12
	VUNPCKHPD Z5, Z4, Z13
	VUNPCKLPD Z7, Z6, Z14
	VUNPCKHPD Z7, Z6, Z15

	// Lanes 0, 2 (0x88) or 1, 3 (0xDD) of each: rows 0…3 of columns
	// (0, 4), (2, 6), (1, 5), (3, 7); then rows 4…7.
	VSHUFF64X2 $0x88, Z10, Z8, Z16
	VSHUFF64X2 $0xDD, Z10, Z8, Z17
	VSHUFF64X2 $0x88, Z11, Z9, Z18
	VSHUFF64X2 $0xDD, Z11, Z9, Z19
	VSHUFF64X2 $0x88, Z14, Z12, Z20
	VSHUFF64X2 $0xDD, Z14, Z12, Z21
	VSHUFF64X2 $0x88, Z15, Z13, Z22
	VSHUFF64X2 $0xDD, Z15, Z13, Z23

	// Columns: rows 0…3 from the first, 4…7 from the second.
	VSHUFF64X2 $0x88, Z20, Z16, Z0 // column 0
	VSHUFF64X2 $0xDD, Z20, Z16, Z4 // column 4
	VSHUFF64X2 $0x88, Z21, Z17, Z2 // column 2
	VSHUFF64X2 $0xDD, Z21, Z17, Z6 // column 6
	VSHUFF64X2 $0x88, Z22, Z18, Z1 // column 1
	VSHUFF64X2 $0xDD, Z22, Z18, Z5 // column 5
	VSHUFF64X2 $0x88, Z23, Z19, Z3 // column 3
	VSHUFF64X2 $0xDD, Z23, Z19, Z7 // column 7

	LEAQ    (DI)(DX*4), BX
	VMOVUPD Z0, (DI)
	VMOVUPD Z1, (DI)(DX*1)
	VMOVUPD Z2, (DI)(DX*2)
	VMOVUPD Z3, (DI)(R12*1)
	VMOVUPD Z4, (BX)
	VMOVUPD Z5, (BX)(DX*1)
	VMOVUPD Z6, (BX)(DX*2)
	VMOVUPD Z7, (BX)(R12*1)

	ADDQ $64, SI
	ADDQ R13, DI
	DECQ CX
	JNZ  loopt64

donet64:
	VZEROUPPER
	RET

// func packTrans32(dst, src *float32, lds, dsts, l8 int)
//
// packTrans64 for float32 with ymm registers (AVX only): 8 rows into
// groups of 8, one 8×8 block per iteration (unpack, shuffle, then swap
// 128-bit halves).
TEXT ·packTrans32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $2, R8
	MOVQ dsts+24(FP), DX
	SHLQ $2, DX
	MOVQ l8+32(FP), CX
	LEAQ (R8)(R8*2), R9
	LEAQ (R8)(R8*4), R10
	LEAQ (R9)(R8*4), R11
	LEAQ (DX)(DX*2), R12
	MOVQ DX, R13
	SHLQ $3, R13
	TESTQ CX, CX
	JZ    donet32

loopt32:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R9*1), Y3
	VMOVUPS (SI)(R8*4), Y4
	VMOVUPS (SI)(R10*1), Y5
	VMOVUPS (SI)(R9*2), Y6
	VMOVUPS (SI)(R11*1), Y7

	// Pairs of rows interleaved: (r0, r1) elements 0, 1 | 4, 5 and 2, 3 | 6, 7 …
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	// Rows 0…3 (and 4…7) of columns e | e+4.
	VSHUFPS $0x44, Y10, Y8, Y0  // 0 | 4
	VSHUFPS $0xEE, Y10, Y8, Y1  // 1 | 5
	VSHUFPS $0x44, Y11, Y9, Y2  // 2 | 6
	VSHUFPS $0xEE, Y11, Y9, Y3  // 3 | 7
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	// Columns: low halves (0x20) give columns 0…3, high ones (0x31) 4…7.
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	LEAQ    (DI)(DX*4), BX
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(DX*1)
	VMOVUPS Y10, (DI)(DX*2)
	VMOVUPS Y11, (DI)(R12*1)
	VMOVUPS Y12, (BX)
	VMOVUPS Y13, (BX)(DX*1)
	VMOVUPS Y14, (BX)(DX*2)
	VMOVUPS Y15, (BX)(R12*1)

	ADDQ $32, SI
	ADDQ R13, DI
	DECQ CX
	JNZ  loopt32

donet32:
	VZEROUPPER
	RET
