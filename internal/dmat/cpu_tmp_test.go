//go:build amd64 && !purego

package dmat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy returns the CPU share used by all processes over d.
func machineBusy(d time.Duration) float64 {
	read := func() (busy, total float64) {
		b, _ := os.ReadFile("/proc/stat")
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])[1:]
		for i, s := range f {
			v, _ := strconv.ParseFloat(s, 64)
			total += v
			if i != 3 && i != 4 {
				busy += v
			}
		}
		return
	}
	b0, t0 := read()
	time.Sleep(d)
	b1, t1 := read()
	return (b1 - b0) / (t1 - t0)
}

func TestCPUScaling(t *testing.T) {
	if os.Getenv("DMAT_SCALING") == "" {
		t.Skip()
	}
	shapes := [][4]int{{256, 784, 784, 0}, {784, 784, 784, 0}, {100, 784, 784, 0}, {784, 784, 100, 0}, {256, 100, 784, 0}, {256, 784, 784, 1}, {784, 784, 784, 1}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		tB := s[3] == 1
		a, bm, c := randSlice[float64](m*k), randSlice[float64](k*n), randSlice[float64](m*n)
		ldb := n
		if tB {
			ldb = k
		}
		flops := 2 * float64(m) * float64(n) * float64(k)
		line := fmt.Sprintf("%4dx%4dx%4d tB=%v:", m, n, k, tB)
		var wall [3]time.Duration
		for _, w := range []int{1, 2} {
			reps := int(1e9/flops) + 1
			Gemm(false, tB, m, n, k, 1, a, k, bm, ldb, 0, c, n, w)
			best := time.Duration(1 << 62)
			var cpuBest time.Duration = 1 << 62
			for r := 0; r < 7; r++ {
				t0, c0 := time.Now(), cpuNow()
				for i := 0; i < reps; i++ {
					Gemm(false, tB, m, n, k, 1, a, k, bm, ldb, 0, c, n, w)
				}
				el, ce := time.Since(t0)/time.Duration(reps), (cpuNow()-c0)/time.Duration(reps)
				best = min(best, el)
				cpuBest = min(cpuBest, ce)
			}
			wall[w] = best
			line += fmt.Sprintf("  w%d %5.1f GF/s (%5.1f per CPU-s)", w, flops/best.Seconds()/1e9, flops/cpuBest.Seconds()/1e9)
		}
		line += fmt.Sprintf("  x%.2f", wall[1].Seconds()/wall[2].Seconds())
		t.Log(line)
	}
}

func TestIdle(t *testing.T) {
	t.Logf("busy %.2f", machineBusy(500*time.Millisecond))
}
