package conv

import (
	"runtime"
	"sync"
)

// Parallel calls f(worker, lo, hi) for contiguous ranges [lo, hi) that
// partition 0..n, one range per worker, and returns when all calls have
// returned. Worker w gets the range [w·n/k, (w+1)·n/k), where k is the
// number of workers used: workers, or runtime.GOMAXPROCS(0) when workers ≤ 0,
// and never more than n. The worker ids are 0, …, k−1, so f can index
// per-worker scratch space allocated before the call.
//
// The partition depends only on n and k. Callers whose units are
// independent (every unit computed by the same sequence of operations,
// whichever worker runs it) therefore get results that do not depend on the
// number of workers. Parallel runs one range on the calling goroutine and
// does nothing when n ≤ 0.
func Parallel(n, workers int, f func(worker, lo, hi int)) {
	if n <= 0 {
		return
	}
	k := workers
	if k <= 0 {
		k = runtime.GOMAXPROCS(0)
	}
	k = min(k, n)
	if k == 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < k; w++ {
		lo, hi := w*n/k, (w+1)*n/k
		wg.Go(func() { f(w, lo, hi) })
	}
	f(0, 0, n/k)
	wg.Wait()
}
