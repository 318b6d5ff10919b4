package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

const layerRowFmt = "%5v %11v %11v %11v %11v %11v %12v %8v\n"

// watchRun prints the header of the per-layer table to w and sets the
// callbacks of opt to print a row for the input and for every layer as it
// is built, with a progress bar on a terminal (then a spinner while the
// features are evaluated). The returned function removes the bar.
func watchRun(e *env, quiet bool, w io.Writer, layers int, opt *experiment.Options) (done func()) {
	fmt.Fprintf(w, layerRowFmt, "layer", "ΔR", "R", "Rc", "ΔR(ŷ)", "Rc(ŷ)", "train acc(ŷ)", "seconds")
	f := func(v float64) string { return fmt.Sprintf("%.6f", v) }
	bar := newProgress(e, quiet, layers, "layers")
	opt.OnInput = func(r redunet.Rates) {
		row := fmt.Sprintf(layerRowFmt, "input", f(r.DeltaR), f(r.R), f(r.Rc), "", "", "", "")
		fmt.Fprintln(w, strings.TrimRight(row, " \n"))
	}
	opt.OnLayer = func(l experiment.Layer) {
		bar.Clear()
		defer bar.Add(1)
		fmt.Fprintf(w, layerRowFmt, l.Layer, f(l.True.DeltaR), f(l.True.R), f(l.True.Rc), f(l.Pred.DeltaR), f(l.Pred.Rc),
			fmt.Sprintf("%.4f", l.TrainAccuracy), fmt.Sprintf("%.2f", l.Seconds))
	}
	opt.OnEvaluate = func() {
		bar.Done()
		bar = newProgress(e, quiet, -1, "evaluating")
	}
	return func() { bar.Done() }
}

// everyNth passes the header line, the input row and every n-th layer row
// of the per-layer table, for experiments with thousands of layers.
type everyNth struct {
	w    io.Writer
	n, i int
}

func (e *everyNth) Write(p []byte) (int, error) {
	e.i++
	if e.i <= 2 || (e.i-2)%e.n == 0 {
		return e.w.Write(p)
	}
	return len(p), nil
}

// printAccuracy prints the accuracy table: one row per classifier, one
// column per (set, input), "-" where there is no cell; then, for a run
// with an all-shifts set of shifts samples, the sentence of
// experiment.Claim.
func printAccuracy(w io.Writer, acc []experiment.Accuracy, shifts int) {
	cols, vals := experiment.Table(acc)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "accuracy\t%s\t\n", strings.Join(cols, "\t"))
	for _, name := range experiment.Classifiers() {
		fmt.Fprintf(tw, "%s\t", name)
		for _, v := range vals[name] {
			if math.IsNaN(v) {
				fmt.Fprint(tw, "-\t")
			} else {
				fmt.Fprintf(tw, "%.4f\t", v)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, a := range acc {
		if a.Set == experiment.ShiftedTrainSet && a.Input == experiment.Features {
			fmt.Fprintln(w, "shifts*: the all-shifts test set against classifiers fit on every training sample at every shift")
			break
		}
	}
	if claim := experiment.Claim(acc, shifts); claim != "" {
		fmt.Fprintf(w, "\n%s\n", wrapText(claim, 100))
	}
}

// wrapText breaks s into lines of at most width bytes at spaces (a longer
// word stays whole).
func wrapText(s string, width int) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(word) > width {
				b.WriteByte('\n')
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}

// printDepthCurve prints the accuracy of the features of set at every
// depth, one row a depth, one column a classifier of
// experiment.DepthClassifiers ("-" where there is none), under a title.
func printDepthCurve(w io.Writer, curve []experiment.Depth, set, title string) {
	fmt.Fprintln(w, title+":")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "depth\t%s\t\n", strings.Join(experiment.DepthClassifiers(), "\t"))
	for _, d := range curve {
		fmt.Fprintf(tw, "%d\t", d.Layer)
		for _, c := range experiment.DepthClassifiers() {
			if v := d.Of(set, c); math.IsNaN(v) {
				fmt.Fprint(tw, "-\t")
			} else {
				fmt.Fprintf(tw, "%.4f\t", v)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
