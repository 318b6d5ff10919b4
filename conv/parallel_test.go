package conv

import (
	"slices"
	"sync/atomic"
	"testing"
)

func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 100} {
		for _, workers := range []int{-1, 0, 1, 2, 3, 4, 8, 200} {
			hits := make([]int32, n)
			var maxWorker atomic.Int32
			Parallel(n, workers, func(w, lo, hi int) {
				if lo >= hi {
					t.Errorf("n=%d workers=%d: empty range [%d,%d)", n, workers, lo, hi)
				}
				for {
					old := maxWorker.Load()
					if int32(w) <= old || maxWorker.CompareAndSwap(old, int32(w)) {
						break
					}
				}
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("n=%d workers=%d: unit %d visited %d times", n, workers, i, h)
				}
			}
			if workers > 0 && int(maxWorker.Load()) >= min(workers, max(n, 1)) {
				t.Errorf("n=%d workers=%d: worker id %d out of range", n, workers, maxWorker.Load())
			}
		}
	}
	// The partition is a function of n and the worker count only.
	var got [][2]int
	for range 2 {
		parts := make([][2]int, 3)
		Parallel(10, 3, func(w, lo, hi int) { parts[w] = [2]int{lo, hi} })
		got = append(got, parts...)
	}
	want := [][2]int{{0, 3}, {3, 6}, {6, 10}, {0, 3}, {3, 6}, {6, 10}}
	if !slices.Equal(got, want) {
		t.Errorf("partition of 10 over 3 workers = %v, want %v", got, want)
	}
}
