//go:build ignore

// gen_kernels writes kernels_amd64.s, the assembly micro-kernels of package
// dmat. Run it with `go generate` (or `go run gen_kernels.go`) in this
// directory.
//
// Every kernel has the Go signature
//
//	func name(kc int, a, b, c *T, ldc int, alpha, beta T, mr, mask, load int)
//
// and computes the mr×nr block
//
//	C = alpha·(Ap·Bp) + beta·C   (load != 0)
//	C = alpha·(Ap·Bp)            (load == 0: C is not read)
//
// where Ap is a packed MR-row sliver of A (kc groups of MR values, one group
// per k, zero padded) and Bp a packed NR-column sliver of B (kc groups of NR
// values). The MR×NR products are accumulated in vector registers: NR/lanes
// vectors for each of the MR rows, each row of A being broadcast from memory.
//
// The AVX-512 kernels store only the first mr rows and, with the opmask
// registers K1…K3 taken from the bit set mask (bit j: column j), only the
// valid columns, so they serve edge tiles directly. The AVX2 kernels store
// the full MR×NR tile (mr and mask are ignored); the Go driver routes edge
// tiles through a temporary.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
)

type kernel struct {
	name  string
	f32   bool
	avx2  bool // ymm registers, no masks
	mr    int  // rows of the tile (broadcast values per k)
	nv    int  // vectors per row
	lanes int  // elements per vector
}

func (k kernel) nr() int { return k.nv * k.lanes }

func (k kernel) esz() int {
	if k.f32 {
		return 4
	}
	return 8
}

func (k kernel) vbytes() int { return k.lanes * k.esz() }

func (k kernel) reg(i int) string {
	if k.avx2 {
		return fmt.Sprintf("Y%d", i)
	}
	return fmt.Sprintf("Z%d", i)
}

func (k kernel) sfx() string {
	if k.f32 {
		return "PS"
	}
	return "PD"
}

func (k kernel) bcast() string {
	if k.f32 {
		return "VBROADCASTSS"
	}
	return "VBROADCASTSD"
}

func (k kernel) mov() string { return "VMOVU" + k.sfx() }

const unroll = 4

var out bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }

func gen(k kernel) {
	acc := func(r, v int) string { return k.reg(r*k.nv + v) }
	// Scratch registers: B vectors, two broadcast registers, alpha, beta.
	var bReg []string
	var bc [2]string
	var alphaR, betaR, tmpR string
	if k.avx2 {
		for v := 0; v < k.nv; v++ {
			bReg = append(bReg, k.reg(k.mr*k.nv+v))
		}
		bc = [2]string{"Y14", "Y15"}
		alphaR, betaR, tmpR = "Y14", "Y15", bReg[0]
	} else {
		for v := 0; v < k.nv; v++ {
			bReg = append(bReg, k.reg(24+v))
		}
		bc = [2]string{"Z27", "Z28"}
		alphaR, betaR, tmpR = "Z30", "Z31", "Z24"
	}
	if k.mr*k.nv+k.nv > 14 && k.avx2 {
		log.Fatalf("%s: too many registers", k.name)
	}
	esz := k.esz()
	argSize := 80
	alphaOff, betaOff, mrOff, maskOff, loadOff := 40, 48, 56, 64, 72
	if k.f32 {
		argSize = 72
		alphaOff, betaOff, mrOff, maskOff, loadOff = 40, 44, 48, 56, 64
	}
	elem := "float64"
	if k.f32 {
		elem = "float32"
	}
	isa := "AVX-512"
	if k.avx2 {
		isa = "AVX2+FMA"
	}
	p("")
	p("// func %s(kc int, a, b, c *%s, ldc int, alpha, beta %s, mr, mask, load int)", k.name, elem, elem)
	p("//")
	p("// %s micro-kernel: a %d×%d tile of C, %d %s accumulators (%d rows × %d",
		isa, k.mr, k.nr(), k.mr*k.nv, map[bool]string{true: "ymm", false: "zmm"}[k.avx2], k.mr, k.nv)
	p("// vectors of %d lanes), from a packed %d-row sliver of A and a packed", k.lanes, k.mr)
	p("// %d-column sliver of B. The k loop is unrolled %d times.", k.nr(), unroll)
	p("TEXT ·%s(SB), NOSPLIT, $0-%d", k.name, argSize)
	p("\tMOVQ kc+0(FP), DX")
	p("\tMOVQ a+8(FP), AX")
	p("\tMOVQ b+16(FP), BX")
	p("\tMOVQ c+24(FP), CX")
	p("\tMOVQ ldc+32(FP), R8")
	p("\tSHLQ $%d, R8 // ldc in bytes", map[bool]int{true: 2, false: 3}[k.f32])
	p("")
	p("\t// Zero the accumulators.")
	for r := 0; r < k.mr; r++ {
		for v := 0; v < k.nv; v++ {
			if k.avx2 {
				p("\tVXORPD %s, %s, %s", acc(r, v), acc(r, v), acc(r, v))
			} else {
				p("\tVPXORQ %s, %s, %s", acc(r, v), acc(r, v), acc(r, v))
			}
		}
	}
	p("")
	p("\t// Prefetch the tile of C, written after the k loop.")
	p("\tMOVQ CX, R9")
	rowBytes := k.nr() * esz
	for r := 0; r < k.mr; r++ {
		for off := 0; off < rowBytes; off += 64 {
			p("\tPREFETCHT0 %d(R9)", off)
		}
		p("\tPREFETCHT0 %d(R9)", rowBytes-1)
		if r < k.mr-1 {
			p("\tADDQ R8, R9")
		}
	}
	p("")
	step := func(s int) {
		bo := s * k.nr() * esz
		ao := s * k.mr * esz
		for v := 0; v < k.nv; v++ {
			p("\t%s %d(BX), %s", k.mov(), bo+v*k.vbytes(), bReg[v])
		}
		for r := 0; r < k.mr; r++ {
			b := bc[r%2]
			p("\t%s %d(AX), %s", k.bcast(), ao+r*esz, b)
			for v := 0; v < k.nv; v++ {
				p("\tVFMADD231%s %s, %s, %s", k.sfx(), bReg[v], b, acc(r, v))
			}
		}
	}
	p("\t// Main loop: %d steps of k per iteration.", unroll)
	p("\tMOVQ DX, R10")
	p("\tSHRQ $%d, R10", map[int]int{2: 1, 4: 2, 8: 3}[unroll])
	p("\tJZ tail")
	p("loop:")
	for s := 0; s < unroll; s++ {
		p("\t// k step %d", s)
		step(s)
	}
	p("\tADDQ $%d, AX", unroll*k.mr*esz)
	p("\tADDQ $%d, BX", unroll*k.nr()*esz)
	p("\tDECQ R10")
	p("\tJNZ loop")
	p("")
	p("tail:")
	p("\tANDQ $%d, DX", unroll-1)
	p("\tJZ store")
	p("tailloop:")
	step(0)
	p("\tADDQ $%d, AX", k.mr*esz)
	p("\tADDQ $%d, BX", k.nr()*esz)
	p("\tDECQ DX")
	p("\tJNZ tailloop")
	p("")
	p("store:")
	p("\t// C = alpha·acc (+ beta·C when load != 0).")
	p("\t%s alpha+%d(FP), %s", k.bcast(), alphaOff, alphaR)
	p("\t%s beta+%d(FP), %s", k.bcast(), betaOff, betaR)
	for r := 0; r < k.mr; r++ {
		for v := 0; v < k.nv; v++ {
			p("\tVMUL%s %s, %s, %s", k.sfx(), alphaR, acc(r, v), acc(r, v))
		}
	}
	if !k.avx2 {
		p("\t// Column masks: K%d… from the bits of mask, %d bits per vector.", 1, k.lanes)
		p("\tMOVQ mask+%d(FP), R11", maskOff)
		for v := 0; v < k.nv; v++ {
			p("\tKMOVW R11, K%d", v+1)
			if v < k.nv-1 {
				p("\tSHRQ $%d, R11", k.lanes)
			}
		}
		p("\tMOVQ mr+%d(FP), R13", mrOff)
	}
	p("\tMOVQ load+%d(FP), R12", loadOff)
	p("\tTESTQ R12, R12")
	p("\tJZ noload")
	for _, load := range []bool{true, false} {
		if !load {
			p("")
			p("noload:")
		}
		for r := 0; r < k.mr; r++ {
			for v := 0; v < k.nv; v++ {
				off := v * k.vbytes()
				if k.avx2 {
					if load {
						p("\t%s %d(CX), %s", k.mov(), off, tmpR)
						p("\tVFMADD231%s %s, %s, %s", k.sfx(), betaR, tmpR, acc(r, v))
					}
					p("\t%s %s, %d(CX)", k.mov(), acc(r, v), off)
				} else {
					if load {
						p("\t%s.Z %d(CX), K%d, %s", k.mov(), off, v+1, tmpR)
						p("\tVFMADD231%s %s, %s, %s", k.sfx(), betaR, tmpR, acc(r, v))
					}
					p("\t%s %s, K%d, %d(CX)", k.mov(), acc(r, v), v+1, off)
				}
			}
			if r < k.mr-1 {
				if !k.avx2 {
					p("\tDECQ R13")
					p("\tJZ done")
				}
				p("\tADDQ R8, CX")
			}
		}
		if load {
			p("\tJMP done")
		}
	}
	p("")
	p("done:")
	p("\tVZEROUPPER")
	p("\tRET")
}

func main() {
	kernels := []kernel{
		{name: "kernF64Avx512x24", mr: 8, nv: 3, lanes: 8},
		{name: "kernF64Avx512x16", mr: 8, nv: 2, lanes: 8},
		{name: "kernF64Avx512x8", mr: 8, nv: 1, lanes: 8},
		{name: "kernF32Avx512x48", f32: true, mr: 8, nv: 3, lanes: 16},
		{name: "kernF32Avx512x32", f32: true, mr: 8, nv: 2, lanes: 16},
		{name: "kernF32Avx512x16", f32: true, mr: 8, nv: 1, lanes: 16},
		{name: "kernF64Avx2x8", avx2: true, mr: 6, nv: 2, lanes: 4},
		{name: "kernF32Avx2x16", avx2: true, f32: true, mr: 6, nv: 2, lanes: 8},
	}
	p("// Code generated by gen_kernels.go; DO NOT EDIT.")
	p("")
	p("//go:build amd64 && !purego")
	p("")
	p("#include \"textflag.h\"")
	p("")
	p("// Register use. AX: packed A, BX: packed B, CX: C, DX: k count, R8: ldc in")
	p("// bytes, R9: prefetch pointer, R10: unrolled loop count, R11: mask bits,")
	p("// R12: load flag, R13: rows left to store.")
	for _, k := range kernels {
		gen(k)
	}
	if err := os.WriteFile("kernels_amd64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
