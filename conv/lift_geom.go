package conv

import "github.com/redunet-go/redunet/fft"

// This file holds the N-D loops of Lift.Apply for one sample: the circular
// padding and the order in which output rows receive their kernel rows. The
// inner loop along the last axis is correlate.

// liftGeom is the geometry of a lifting with kernel size k on one signal
// shape, computed once per Apply. A row is a line along the last axis; the
// padded copy of a channel extends every axis by k−1.
type liftGeom struct {
	shape fft.Shape
	k     int
	n     int   // values per channel
	w     int   // size of the last axis
	pw    int   // padded size of the last axis, w+k−1
	plen  int   // values per padded channel
	rows  []int // offset in a padded channel of every output row, in row-major order
	taps  []int // offset of every kernel row from its output row's, k^(Dims−1) of them
}

// newLiftGeom returns the geometry of kernel size k on shape, which must be
// valid, of rank at least 1, with every size at least k.
func newLiftGeom(shape fft.Shape, k int) *liftGeom {
	r := len(shape)
	g := &liftGeom{shape: shape, k: k, n: shape.Len(), w: shape[r-1], pw: shape[r-1] + k - 1}
	// The padded strides of the leading axes: stride[a] = Π_{b>a} (n_b+k−1).
	stride := make([]int, r)
	stride[r-1] = 1
	for a := r - 2; a >= 0; a-- {
		stride[a] = stride[a+1] * (shape[a+1] + k - 1)
	}
	g.plen = stride[0] * (shape[0] + k - 1)
	g.rows = make([]int, g.n/g.w)
	for row := range g.rows {
		off := 0
		for a, q := r-2, row; a >= 0; a-- {
			off += (q % shape[a]) * stride[a]
			q /= shape[a]
		}
		g.rows[row] = off
	}
	ntaps := 1
	for range r - 1 {
		ntaps *= k
	}
	g.taps = make([]int, ntaps)
	for j := range g.taps {
		off := 0
		for a, q := r-2, j; a >= 0; a-- {
			off += (q % k) * stride[a]
			q /= k
		}
		g.taps[j] = off
	}
	return g
}

// pad writes into p the circularly padded copy of one channel x: p has the
// shape of x with every size n extended to n+k−1, and
// p[q] = x[q mod shape] for every index q.
func (g *liftGeom) pad(p, x []float64) {
	shape, k, w, pw := g.shape, g.k, g.w, g.pw
	r := len(shape)
	for pr := range g.plen / pw {
		// The source row of padded row pr: reduce every leading coordinate,
		// which is below 2n, modulo its size n.
		src, scale := 0, 1
		for a, q := r-2, pr; a >= 0; a-- {
			n := shape[a]
			c := q % (n + k - 1)
			q /= n + k - 1
			if c >= n {
				c -= n
			}
			src += c * scale
			scale *= n
		}
		row := x[src*w : (src+1)*w]
		prow := p[pr*pw : (pr+1)*pw]
		copy(prow, row)
		copy(prow[w:], row[:k-1])
	}
}

// applyOne correlates one In×(shape) sample x into out (Out×(shape)), using
// pad (In padded channels) for the circularly padded copy of x. Every
// output row receives, for c = 0, …, In−1 and every kernel row in row-major
// order, the correlation of that kernel row with the matching padded row.
func (l *Lift) applyOne(out, x, pad []float64, g *liftGeom) {
	k, n, w, pw, plen := l.K, g.n, g.w, g.pw, g.plen
	for c := 0; c < l.In; c++ {
		g.pad(pad[c*plen:(c+1)*plen], x[c*n:(c+1)*n])
	}
	kl := len(g.taps) * k
	for o := 0; o < l.Out; o++ {
		od := out[o*n : (o+1)*n]
		for row, base := range g.rows {
			d := od[row*w : (row+1)*w]
			clear(d)
			for c := 0; c < l.In; c++ {
				ker := l.Kernels[(o*l.In+c)*kl : (o*l.In+c+1)*kl]
				p := pad[c*plen+base : (c+1)*plen]
				for j, off := range g.taps {
					correlate(d, ker[j*k:(j+1)*k], p[off:off+pw])
				}
			}
		}
	}
}
