//go:build amd64 && !purego

package dmat

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Blocking parameters (elements). A k block is at most kcMax long: an A
// sliver (MR×kc, 16 KB in float64) stays in the 48 KB L1 while the kernel
// streams B slivers; a task's B block (kc×ncMax, ≤ 1 MB) stays in the 2 MB
// L2 while the task walks its A slivers (≤ mcMax rows).
const (
	kcMax = 256
	mcMax = 256
	ncMax = 480
	// parMin is the number of multiply-adds (m·n·k) from which a product
	// is split among goroutines.
	parMin = 1 << 20
	// smallMax is the number of multiply-adds up to which a product is
	// computed directly, without packing.
	smallMax = 256
)

// kChunk is the number of k blocks packed at once, packMax the most
// elements of a packed operand: products larger than that are done in
// chunks (of k blocks, rows and columns), which only bounds the scratch
// memory and does not change any result. Variables so that tests can
// exercise the chunked path.
var (
	kChunk  = 16
	packMax = 1 << 22
)

// problem is one product C = alpha·op(A)·op(B) + beta·C.
type problem[T float] struct {
	transA, transB bool
	m, n, k        int
	alpha          T
	a              []T
	lda            int
	b              []T
	ldb            int
	beta           T
	c              []T
	ldc            int
	// tri: the elements of C computed (triAll for Gemm, the triangle of a
	// Syrk); the others are neither read nor written. mirror: copy the
	// lower triangle, once computed, to the upper one.
	tri    int
	mirror bool
}

// tile reports whether the rows×cols tile of C at (row, col) has elements
// to compute (need) and whether it also has some not to (partial).
func (p *problem[T]) tile(row, rows, col, cols int) (need, partial bool) {
	switch p.tri {
	case triLower:
		return row+rows-1 >= col, col+cols-1 > row
	case triUpper:
		return col+cols-1 >= row, row+rows-1 > col
	}
	return true, false
}

// span returns the columns [q0, q1) of row i to compute in the cols wide
// tile at column col.
func (p *problem[T]) span(i, col, cols int) (q0, q1 int) {
	switch p.tri {
	case triLower:
		return 0, min(cols, i-col+1)
	case triUpper:
		return max(0, i-col), cols
	}
	return 0, cols
}

// kStart is the start of k block i of the nb blocks of [0, k): the blocks
// depend on k alone, so every element of C sums the same partial products
// in the same order, whatever the split among workers.
func kStart(k, nb, i int) int { return i * k / nb }

// run computes p with the kernels ks on up to workers goroutines.
func run[T float](ks *kernSet[T], p *problem[T], workers int) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if float64(p.m)*float64(p.n)*float64(p.k) < parMin {
		workers = 1
	}
	mr, nr := ks.mr, ks.nr[0]
	nkb := (p.k + kcMax - 1) / kcMax
	for kb0 := 0; kb0 < nkb; kb0 += kChunk {
		kb1 := min(kb0+kChunk, nkb)
		k0 := kStart(p.k, nkb, kb0)
		klen := kStart(p.k, nkb, kb1) - k0
		mch := max(mr, packMax/klen/mr*mr)
		nch := max(nr, packMax/klen/nr*nr)
		for m0 := 0; m0 < p.m; m0 += mch {
			rows := min(mch, p.m-m0)
			for n0 := 0; n0 < p.n; n0 += nch {
				cols := min(nch, p.n-n0)
				if need, _ := p.tile(m0, rows, n0, cols); !need {
					continue
				}
				c := &chunk[T]{p: p, ks: ks, m0: m0, rows: rows, n0: n0, cols: cols,
					nkb: nkb, kb0: kb0, kb1: kb1, k0: k0, klen: klen}
				c.do(workers)
			}
		}
	}
}

// small computes p directly, one dot product per element.
func small[T float](p problem[T]) {
	// Strides of op(A) along i and l, of op(B) along l and j.
	ai, al, bl, bj := p.lda, 1, p.ldb, 1
	if p.transA {
		ai, al = 1, p.lda
	}
	if p.transB {
		bl, bj = 1, p.ldb
	}
	a, b := p.a, p.b
	for i := 0; i < p.m; i++ {
		crow := p.c[i*p.ldc : i*p.ldc+p.n]
		q0, q1 := p.span(i, 0, p.n)
		for j := q0; j < q1; j++ {
			// Four partial sums, to hide the latency of the additions.
			var s0, s1, s2, s3 T
			ia, ib := i*ai, j*bj
			l := 0
			for ; l+4 <= p.k; l += 4 {
				s0 += a[ia] * b[ib]
				s1 += a[ia+al] * b[ib+bl]
				s2 += a[ia+2*al] * b[ib+2*bl]
				s3 += a[ia+3*al] * b[ib+3*bl]
				ia += 4 * al
				ib += 4 * bl
			}
			for ; l < p.k; l++ {
				s0 += a[ia] * b[ib]
				ia += al
				ib += bl
			}
			v := p.alpha * ((s0 + s1) + (s2 + s3))
			if p.beta != 0 {
				v += p.beta * crow[j]
			}
			crow[j] = v
		}
	}
	if p.mirror {
		mirror(p.c, p.n, p.ldc)
	}
}

// chunk is the part of a product done with one packing of its operands:
// rows m0… of C, columns n0…, k blocks kb0…kb1-1.
//
// There is no packing phase: a task packs each sliver it needs, for each k
// block, just before its first use (so that it is still in cache), unless
// another worker has (or is doing it: then it waits).
type chunk[T float] struct {
	p             *problem[T]
	ks            *kernSet[T]
	m0, rows      int
	n0, cols      int
	nkb, kb0, kb1 int
	k0, klen      int
	nsa, mpad     int // A slivers, padded rows
	nsb, nfull    int // B slivers, full-width ones
	lastW, lastK  int // width and kernel index of a narrower last B sliver
	npad          int // padded columns
	ap, bp        []T // packed operands
	tmp           []T // a tile computed apart, per worker
	// Packing states (1: packed) of the slivers of A (k block b, sliver i:
	// index b·nsa+i) and of B, and the locks taken to pack them.
	stateA, stateB []uint32
	lockA, lockB   []sync.Mutex
	// aFromB: the A slivers are copied from the packed B slivers, which
	// hold the same values (a Syrk chunk on the diagonal: op(A) = op(B)ᵀ,
	// each A sliver a group of columns of a B sliver).
	aFromB   bool
	taskList []task
}

// task is a block of tiles of a chunk: A slivers i0…i1-1 × B slivers
// j0…j1-1; it starts with sliver i0+ri (j0+rj), so that tasks sharing
// slivers are unlikely to want the same one at once.
type task struct{ i0, i1, j0, j1, ri, rj, cost int }

func (c *chunk[T]) do(workers int) {
	ks, mr, nr := c.ks, c.ks.mr, c.ks.nr[0]
	c.nsa = (c.rows + mr - 1) / mr
	c.mpad = c.nsa * mr
	c.nfull = c.cols / nr
	c.nsb, c.npad = c.nfull, c.nfull*nr
	if rem := c.cols % nr; rem > 0 {
		// The narrowest kernel that covers the remaining columns.
		for i := len(ks.nr) - 1; i >= 0; i-- {
			if ks.nr[i] >= rem {
				c.lastW, c.lastK = ks.nr[i], i
				break
			}
		}
		c.nsb++
		c.npad += c.lastW
	}
	c.planTasks(workers)
	if len(c.taskList) == 0 {
		return
	}
	workers = min(workers, len(c.taskList))
	c.aFromB = c.p.tri != triAll && c.m0 == c.n0 && c.rows == c.cols && nr%mr == 0 && ks.packCopy != nil

	// Scratch: packed A, packed B, a tile per worker, each 64-byte aligned;
	// the packing states.
	align := 64 / int(unsafe.Sizeof(T(0)))
	na := (c.mpad*c.klen + align - 1) / align * align
	nb := (c.npad*c.klen + align - 1) / align * align
	nkc := c.kb1 - c.kb0
	buf, mem := getBuf[T](na+nb+workers*tmpSize, nkc*(c.nsa+c.nsb))
	defer putBuf(buf)
	c.ap = mem[:c.mpad*c.klen]
	c.bp = mem[na : na+c.npad*c.klen]
	c.tmp = mem[na+nb:]
	c.stateA, c.stateB = buf.state[:nkc*c.nsa], buf.state[nkc*c.nsa:]
	c.lockA, c.lockB = buf.locks[:nkc*c.nsa], buf.locks[nkc*c.nsa:]
	forEach(workers, len(c.taskList), func(t int) int { return c.taskList[t].cost },
		func(w, t int) { c.doTask(c.taskList[t], c.tmp[w*tmpSize:][:tmpSize]) })
}

// planTasks splits the tiles of the chunk into tasks of at most mcMax rows
// and ncMax columns, and, with several workers, into at least a few tasks
// per worker so that they share the work evenly.
func (c *chunk[T]) planTasks(workers int) {
	mr, nr := c.ks.mr, c.ks.nr[0]
	maxA, maxB := max(1, mcMax/mr), max(1, ncMax/nr)
	mb := (c.nsa + maxA - 1) / maxA
	nb := (c.nsb + maxB - 1) / maxB
	if workers > 1 {
		// Tasks are handed out dynamically; four per worker keep the
		// last ones short.
		want := 4 * workers
		for mb*nb < want {
			if c.nsa/(mb+1) >= 2 {
				mb++
			} else if c.nsb/(nb+1) >= 1 {
				nb++
			} else {
				break
			}
		}
	}
	// Column blocks outer for a Gemm: the consecutive tasks a worker owns
	// (forEach) share their B blocks, which stay in its L2. Row blocks
	// outer for a Syrk, whose A slivers are copied from B slivers of the
	// column block of the same index, the last of the row's tasks.
	c.taskList = c.taskList[:0]
	for o := 0; o < mb*nb; o++ {
		bi, bj := o%mb, o/mb
		if c.p.tri != triAll {
			bi, bj = o/nb, o%nb
		}
		i0, i1 := bi*c.nsa/mb, (bi+1)*c.nsa/mb
		t := task{i0: i0, i1: i1, j0: bj * c.nsb / nb, j1: (bj + 1) * c.nsb / nb}
		t.ri, t.rj = bj*(t.i1-t.i0)/nb, bi*(t.j1-t.j0)/mb
		if c.p.tri == triAll {
			t.cost = (t.i1 - t.i0) * (t.j1 - t.j0)
		} else {
			for i := t.i0; i < t.i1; i++ {
				row := c.m0 + i*mr
				for j := t.j0; j < t.j1; j++ {
					col := c.n0 + j*nr
					if need, _ := c.p.tile(row, min(mr, c.m0+c.rows-row), col, min(nr, c.n0+c.cols-col)); need {
						t.cost++
					}
				}
			}
		}
		if t.cost > 0 {
			c.taskList = append(c.taskList, t)
		}
	}
}

// ensure makes sure that the sliver whose state is *st is packed, packing
// it with pack if no worker has, waiting (on mu) for one that is.
func ensure(st *uint32, mu *sync.Mutex, pack func()) {
	if atomic.LoadUint32(st) != 0 {
		return
	}
	mu.Lock()
	if atomic.LoadUint32(st) == 0 {
		pack()
		atomic.StoreUint32(st, 1)
	}
	mu.Unlock()
}

// packASliver packs A sliver i of k block kb.
func (c *chunk[T]) packASliver(kb, i int) {
	p, ks, mr := c.p, c.ks, c.ks.mr
	s := kStart(p.k, c.nkb, kb)
	l := kStart(p.k, c.nkb, kb+1) - s
	rows := min(mr, c.rows-i*mr)
	dst := c.ap[(s-c.k0)*c.mpad+i*l*mr:][:l*mr]
	if c.aFromB {
		// Columns o… of B sliver j (zero past the last column, as the
		// rows past the last of A must be).
		nr := ks.nr[0]
		j, o := i*mr/nr, i*mr%nr
		w := nr
		if j >= c.nfull {
			w = c.lastW
		}
		kbi := kb - c.kb0
		ensure(&c.stateB[kbi*c.nsb+j], &c.lockB[kbi*c.nsb+j], func() { c.packBSliver(kb, j) })
		src := c.bp[(s-c.k0)*c.npad+j*nr*l+o:]
		ks.packCopy(&dst[0], &src[0], w, mr, l, 1, 1<<mr-1, 1<<mr-1)
		return
	}
	if !p.transA {
		packA(ks, dst, p.a, p.lda, c.m0+i*mr, rows, s, l, mr)
		return
	}
	// op(A)[i][q] = a[q·lda+i]: group q is a piece of row q of a.
	src := p.a[s*p.lda+c.m0+i*mr:]
	if ks.packCopy != nil {
		ks.packCopy(&dst[0], &src[0], p.lda, mr, l, 1, 1<<rows-1, 1<<mr-1)
		return
	}
	for q := 0; q < l; q++ {
		d := dst[q*mr : q*mr+mr]
		copyShort(d[:rows], src[q*p.lda:])
		for r := rows; r < mr; r++ {
			d[r] = 0
		}
	}
}

// packBSliver packs B sliver j of k block kb.
func (c *chunk[T]) packBSliver(kb, j int) {
	p, ks, nr := c.p, c.ks, c.ks.nr[0]
	s := kStart(p.k, c.nkb, kb)
	l := kStart(p.k, c.nkb, kb+1) - s
	w := nr
	if j >= c.nfull {
		w = c.lastW
	}
	cols := min(w, c.cols-j*nr)
	dst := c.bp[(s-c.k0)*c.npad+j*nr*l:][:l*w]
	if p.transB {
		packB(ks, dst, p.b, p.ldb, c.n0+j*nr, cols, w, s, l)
		return
	}
	// op(B)[q][j] = b[q·ldb+j]: group q is a piece of row q of b.
	src := p.b[s*p.ldb+c.n0+j*nr:]
	if ks.packCopy != nil {
		ks.packCopy(&dst[0], &src[0], p.ldb, w, l, w/ks.lanes, 1<<cols-1, 1<<w-1)
		return
	}
	for q := 0; q < l; q++ {
		d := dst[q*w : q*w+w]
		copyShort(d[:cols], src[q*p.ldb:])
		for r := cols; r < w; r++ {
			d[r] = 0
		}
	}
}

// tmpSize is the size of a tile computed apart, MR·NR at most.
const tmpSize = 8 * 48

// doTask computes the tiles of t over the chunk's k blocks, in order; tmp
// holds a tile.
func (c *chunk[T]) doTask(t task, tmp []T) {
	p, ks := c.p, c.ks
	mr, nr := ks.mr, ks.nr[0]
	for kb := c.kb0; kb < c.kb1; kb++ {
		s := kStart(p.k, c.nkb, kb)
		l := kStart(p.k, c.nkb, kb+1) - s
		alpha, beta, load := p.alpha, T(1), 1
		if kb == 0 {
			beta = p.beta
			if beta == 0 {
				load = 0
			}
		}
		aBase, bBase := (s-c.k0)*c.mpad, (s-c.k0)*c.npad
		stA, stB := c.stateA[(kb-c.kb0)*c.nsa:], c.stateB[(kb-c.kb0)*c.nsb:]
		lkA, lkB := c.lockA[(kb-c.kb0)*c.nsa:], c.lockB[(kb-c.kb0)*c.nsb:]
		for ii := t.i0; ii < t.i1; ii++ {
			i := ii + t.ri
			if i >= t.i1 {
				i -= t.i1 - t.i0
			}
			row := c.m0 + i*mr
			rows := min(mr, c.m0+c.rows-row)
			ensure(&stA[i], &lkA[i], func() { c.packASliver(kb, i) })
			ap := &c.ap[aBase+i*l*mr]
			for jj := t.j0; jj < t.j1; jj++ {
				j := jj + t.rj
				if j >= t.j1 {
					j -= t.j1 - t.j0
				}
				col := c.n0 + j*nr
				w, kern := nr, ks.kern[0]
				if j >= c.nfull {
					w, kern = c.lastW, ks.kern[c.lastK]
				}
				cols := min(w, c.n0+c.cols-col)
				// A tile that crosses the diagonal of a Syrk is computed
				// into tmp and only its part in the triangle is stored, so
				// that the other triangle is neither read nor written (but
				// by the mirror).
				need, diag := p.tile(row, rows, col, cols)
				if !need {
					continue
				}
				ensure(&stB[j], &lkB[j], func() { c.packBSliver(kb, j) })
				bp := &c.bp[bBase+j*nr*l]
				if !diag && (ks.masked || (rows == mr && cols == w)) {
					kern(l, ap, bp, &p.c[row*p.ldc+col], p.ldc, alpha, beta, rows, 1<<cols-1, load)
				} else {
					// Compute the whole tile into tmp, store its part.
					kern(l, ap, bp, &tmp[0], w, 1, 0, mr, 1<<w-1, 0)
					for r := 0; r < rows; r++ {
						q0, q1 := p.span(row+r, col, cols)
						if q0 >= q1 {
							continue
						}
						dst := p.c[(row+r)*p.ldc+col+q0:][:q1-q0]
						src := tmp[r*w+q0:][:q1-q0]
						if load == 0 {
							for q, v := range src {
								dst[q] = alpha * v
							}
						} else {
							for q, v := range src {
								dst[q] = alpha*v + beta*dst[q]
							}
						}
					}
				}
				if p.mirror && kb == c.nkb-1 {
					if !diag && rows == 8 && cols%8 == 0 && ks.packTrans != nil {
						// C[col+q][row+r] = C[row+r][col+q], 8×8 at a time.
						ks.packTrans(&p.c[col*p.ldc+row], &p.c[row*p.ldc+col], p.ldc, p.ldc, cols/8)
					} else {
						mirrorTile(p.c, p.ldc, row, rows, col, cols)
					}
				}
			}
		}
	}
}

// mirrorTile copies the elements below the diagonal of the rows×cols tile
// of c at (row, col) to their transposed places above it.
func mirrorTile[T float](c []T, ldc, row, rows, col, cols int) {
	for q := 0; q < cols; q++ {
		j := col + q
		lo := max(row, j+1)
		if lo >= row+rows {
			continue
		}
		dst := c[j*ldc+lo : j*ldc+row+rows]
		src := c[lo*ldc+j:]
		for r := range dst {
			dst[r] = src[r*ldc]
		}
	}
}

// packA writes rows i0…i0+rows-1, columns p0…p0+l-1 of A (not
// transposed) to dst as l groups of mr values (one per row, zero past
// rows).
func packA[T float](ks *kernSet[T], dst, a []T, lda int, i0, rows, p0, l, mr int) {
	dst = dst[:l*mr]
	q0 := 0
	if rows == 8 && mr == 8 {
		base := i0*lda + p0
		if ks.packTrans != nil && l >= 8 {
			ks.packTrans(&dst[0], &a[base], lda, 8, l/8)
			q0 = l / 8 * 8
		}
		r0 := a[base:][:l]
		r1 := a[base+lda:][:l]
		r2 := a[base+2*lda:][:l]
		r3 := a[base+3*lda:][:l]
		r4 := a[base+4*lda:][:l]
		r5 := a[base+5*lda:][:l]
		r6 := a[base+6*lda:][:l]
		r7 := a[base+7*lda:][:l]
		for q := q0; q < l; q++ {
			d := dst[q*8 : q*8+8 : q*8+8]
			d[0], d[1], d[2], d[3] = r0[q], r1[q], r2[q], r3[q]
			d[4], d[5], d[6], d[7] = r4[q], r5[q], r6[q], r7[q]
		}
		return
	}
	for ii := 0; ii < mr; ii++ {
		if ii >= rows {
			for q := 0; q < l; q++ {
				dst[q*mr+ii] = 0
			}
			continue
		}
		for q, v := range a[(i0+ii)*lda+p0:][:l] {
			dst[q*mr+ii] = v
		}
	}
}

// packB writes rows p0…p0+l-1, columns j0…j0+cols-1 of op(B) = bᵀ to dst
// as l groups of w values (zero past cols).
func packB[T float](ks *kernSet[T], dst, b []T, ldb int, j0, cols, w, p0, l int) {
	dst = dst[:l*w]
	// op(B)[q][j] = b[j·ldb+q]: column j of the sliver is a piece of row j.
	jj := 0
	if ks.packTrans != nil && l >= 8 {
		// Sets of 8 rows of b, transposed 8×8 at a time; the last l%8
		// groups below.
		l8 := l / 8 * 8
		for ; jj+8 <= cols; jj += 8 {
			src := b[(j0+jj)*ldb+p0:]
			ks.packTrans(&dst[jj], &src[0], ldb, w, l/8)
			for r := 0; r < 8; r++ {
				row := src[r*ldb:][:l]
				for q := l8; q < l; q++ {
					dst[q*w+jj+r] = row[q]
				}
			}
		}
	}
	for ; jj+4 <= cols; jj += 4 {
		r0 := b[(j0+jj)*ldb+p0:][:l]
		r1 := b[(j0+jj+1)*ldb+p0:][:l]
		r2 := b[(j0+jj+2)*ldb+p0:][:l]
		r3 := b[(j0+jj+3)*ldb+p0:][:l]
		for q := range r0 {
			d := dst[q*w+jj : q*w+jj+4 : q*w+jj+4]
			d[0], d[1], d[2], d[3] = r0[q], r1[q], r2[q], r3[q]
		}
	}
	for ; jj < cols; jj++ {
		for q, v := range b[(j0+jj)*ldb+p0:][:l] {
			dst[q*w+jj] = v
		}
	}
	for ; jj < w; jj++ {
		for q := 0; q < l; q++ {
			dst[q*w+jj] = 0
		}
	}
}

// copyShort copies src[:len(dst)] to dst: sliver rows are too short for
// a call to memmove to pay.
func copyShort[T float](dst, src []T) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = src[i]
	}
}

// forEach calls f(w, i) for every i in [0, n) on up to workers goroutines
// (w < workers numbers the goroutine; the caller's is 0), giving each the
// same share of the total cost(i).
//
// Goroutine w owns the w-th of consecutive ranges of [0, n) with that share
// and takes its items in order, then helps the others with theirs: the same
// sizes give the same goroutine the same items (and so its cache the same
// part of C) from call to call, while a slow goroutine is still helped out.
func forEach(workers, n int, cost func(i int) int, f func(w, i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	// Queue q holds items [bound[q], bound[q+1]), next[q] counts those
	// taken (padded against false sharing).
	bound := make([]int, workers+1)
	total := 0
	for i := 0; i < n; i++ {
		total += cost(i)
	}
	for i, acc, q := 0, 0, 1; i < n && q < workers; i++ {
		acc += cost(i)
		for q < workers && acc*workers >= q*total {
			bound[q] = i + 1
			q++
		}
	}
	bound[workers] = n
	type counter struct {
		n atomic.Int64
		_ [56]byte
	}
	next := make([]counter, workers)
	body := func(w int) {
		for d := 0; d < workers; d++ {
			q := (w + d) % workers
			for {
				i := bound[q] + int(next[q].n.Add(1)-1)
				if i >= bound[q+1] {
					break
				}
				f(w, i)
			}
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { body(w) })
	}
	body(0)
	wg.Wait()
}

// Scratch for the packed operands, reused across calls.
var pools [2]sync.Pool // float64, float32

type scratch[T float] struct {
	raw   []T
	state []uint32
	locks []sync.Mutex
}

func pool[T float]() *sync.Pool {
	if unsafe.Sizeof(T(0)) == 4 {
		return &pools[1]
	}
	return &pools[0]
}

// getBuf returns scratch holding at least n elements, 64-byte aligned, and
// ns zero states and unlocked locks.
func getBuf[T float](n, ns int) (*scratch[T], []T) {
	s, _ := pool[T]().Get().(*scratch[T])
	if s == nil {
		s = new(scratch[T])
	}
	size := int(unsafe.Sizeof(T(0)))
	if cap(s.raw) < n+64/size {
		s.raw = make([]T, n+64/size)
	}
	s.raw = s.raw[:cap(s.raw)]
	if cap(s.state) < ns {
		s.state = make([]uint32, ns)
		s.locks = make([]sync.Mutex, ns)
	}
	s.state, s.locks = s.state[:ns], s.locks[:ns]
	clear(s.state)
	off := int((64 - uintptr(unsafe.Pointer(&s.raw[0]))%64) % 64 / uintptr(size))
	return s, s.raw[off : off+n]
}

func putBuf[T float](s *scratch[T]) { pool[T]().Put(s) }
