//go:build amd64 && !purego

package dmat

// Assembly packing routines (pack_amd64.s).

//go:noescape
func packCopy64(dst, src *float64, lds, dsts, l, nv, lmask, smask int)

//go:noescape
func packCopy32(dst, src *float32, lds, dsts, l, nv, lmask, smask int)

//go:noescape
func packTrans64(dst, src *float64, lds, dsts, l8 int)

//go:noescape
func packTrans32(dst, src *float32, lds, dsts, l8 int)
