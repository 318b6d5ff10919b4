package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/internal/sat"

	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

// memLimit is the -max-memory flag: the most memory a run may be estimated
// to need before it is refused. The zero value (the default, "auto") is the
// memory the machine has available; a negative one means no limit.
type memLimit int64

const noMemLimit memLimit = -1

func (l *memLimit) String() string {
	switch {
	case l == nil || *l == 0:
		return "auto"
	case *l < 0:
		return "0"
	}
	return formatBytes(int64(*l))
}

func (l *memLimit) Set(s string) error {
	s = strings.TrimSpace(s)
	if s == "auto" {
		*l = 0
		return nil
	}
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	if n == 0 {
		*l = noMemLimit
	} else {
		*l = memLimit(n)
	}
	return nil
}

// registerMemLimit registers -max-memory.
func registerMemLimit(fs *flag.FlagSet, l *memLimit) {
	fs.Var(l, "max-memory", "refuse to start a run whose estimated peak memory exceeds SIZE bytes (e.g. 512M, 32G; K, M, G, T are powers of 1024); 0: no limit; auto: the memory available on this machine")
}

// parseSize parses a size in bytes with an optional suffix K, M, G or T
// (powers of 1024; a trailing B or iB is allowed: 32G, 32GB, 32GiB).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || v*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("bad size %q: want a number of bytes such as 512M or 32G", s)
	}
	return int64(v * mult), nil
}

// formatBytes writes a number of bytes as "1.2 GB" (powers of 1000, as the
// sizes of saved files are shown).
func formatBytes(n int64) string {
	switch {
	case n >= 1e12:
		return fmt.Sprintf("%.1f TB", float64(n)/1e12)
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

// availableMemory returns the memory this process may use: on Linux the
// smaller of /proc/meminfo's MemAvailable (MemTotal if the kernel does not
// report it) and the room left under the cgroup's memory.max, with a
// description for messages; ok is false where it is not known.
var availableMemory = func() (n int64, desc string, ok bool) {
	if runtime.GOOS != "linux" {
		return 0, "", false
	}
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, "", false
	}
	fields := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, found := strings.Cut(sc.Text(), ":")
		if !found {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		if x, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			if len(f) > 1 && strings.EqualFold(f[1], "kB") {
				x *= 1024
			}
			fields[k] = x
		}
	}
	total, okT := fields["MemTotal"]
	avail, okA := fields["MemAvailable"]
	if !okT {
		return 0, "", false
	}
	if !okA {
		avail = total
	}
	n = avail
	desc = fmt.Sprintf("the %s available of this machine's %s", formatBytes(avail), formatBytes(total))
	if maxB, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if lim, err := strconv.ParseInt(strings.TrimSpace(string(maxB)), 10, 64); err == nil {
			cur := int64(0)
			if b, err := os.ReadFile("/sys/fs/cgroup/memory.current"); err == nil {
				cur, _ = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			}
			if room := lim - cur; room < n {
				n = max64(room, 0)
				desc = fmt.Sprintf("the %s left under this control group's limit of %s", formatBytes(n), formatBytes(lim))
			}
		}
	}
	return n, desc, true
}

// softLimit is the soft memory limit of a run estimated to need need bytes
// of live heap: for a run of 1 GiB or more, a tenth more and at least 64 MiB
// more, so that the collector keeps the heap near its live size instead of
// letting it grow to twice it (the estimate bounds the live heap of the
// network's pass, measured within 1.5 times it, and the command's own
// arrays, so the collector is not made to run constantly). A smaller run
// gets no limit: what the estimate leaves out (a report's figures, the
// command's bookkeeping) can outweigh it there, and a limit below the live
// heap would make the collector run without pause (gaussian3d's repro, an
// estimate of 4 MB, ran 2× slower under one).
func softLimit(need int64) int64 {
	if need < 1<<30 {
		return math.MaxInt64
	}
	return sat.Add(need, max(need/10, 64<<20))
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// checkMemory refuses a run estimated to need need bytes at its peak when
// that is more than the limit: -max-memory, or by default the memory
// available (nothing is refused where that is not known).
func checkMemory(need int64, l memLimit, what string) error {
	var limit int64
	var desc string
	switch {
	case l < 0:
		return nil
	case l > 0:
		limit, desc = int64(l), "-max-memory "+formatBytes(int64(l))
	default:
		var ok bool
		if limit, desc, ok = availableMemory(); !ok {
			return nil
		}
	}
	if need <= limit {
		// The estimate is of the live heap; tell the garbage collector
		// where the limit is, so that it collects harder near it rather
		// than let the heap grow to twice its live size (unless the user
		// set GOMEMLIMIT).
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(min(limit, softLimit(need), debug.SetMemoryLimit(-1)))
		}
		return nil
	}
	return fmt.Errorf("%s would need about %s of memory (an estimate of its peak), more than %s: "+
		"use fewer samples, channels or workers, or allow it with -max-memory SIZE (-max-memory 0: no limit)",
		what, formatBytes(need), desc)
}

// protocolMemory estimates the peak memory of applying the net n (or
// building it) on train training samples and evaluation sets of evals
// samples, then evaluating the features and, if shiftedGrid > 0, the
// shifts* protocol on that many shifts of every training sample. Beyond
// the pass (estimateMemory) the evaluation holds a chunk of an evaluation
// set's prepared input (at most 2^23 values: experiment's evalChunk), the
// nearest-subspace fit's class copies (one class per worker) and bases
// (rank 10 by default, counted as 16), and for shifts* one shifted training
// input (raw or features) at a time with its class copies.
func protocolMemory(n *redunet.Net, train int, evals []int, shiftedGrid int) int64 {
	d := int64(n.FeatureLen())
	k := int64(max(n.K, 1))
	w := int64(n.Workers)
	if w <= 0 {
		w = int64(runtime.GOMAXPROCS(0))
	}
	var eMax int64
	for _, e := range evals {
		eMax = max(eMax, int64(max(e, 0)))
	}
	m := int64(max(train, 0))
	chunk := sat.Mul(min(eMax, max(1, (1<<23)/max(d, 1))), d, 8)
	fit := func(rows int64) int64 { // class copies of a fit on rows training rows
		return sat.Add(sat.Mul(min(w, k), max(1, rows/k), d, 8), sat.Mul(k, 16, d, 8))
	}
	extra := sat.Add(chunk, fit(m))
	if shiftedGrid > 0 {
		sm := sat.Mul(int64(shiftedGrid), m)
		extra = sat.Add(chunk, max(fit(m), sat.Add(sat.Mul(sm, d, 8), fit(sm))))
	}
	return sat.Add(estimateMemory(n, train, evals...), extra)
}

// runMemory estimates the peak memory of a run of the net n on d, whose
// all-shifts set of nShifts samples is still to be added, with the shifts*
// protocol if shiftedTrain.
func runMemory(n *redunet.Net, d *experiment.Data, nShifts int, shiftedTrain bool) int64 {
	var evals []int
	for _, s := range d.Evals {
		evals = append(evals, s.Len())
	}
	if nShifts > 0 {
		evals = append(evals, nShifts)
	}
	grid := 0
	if shiftedTrain && len(n.Shape) > 0 {
		grid = len(experiment.ShiftGrid(n.Shape))
	}
	return protocolMemory(n, d.Train.Len(), evals, grid)
}
