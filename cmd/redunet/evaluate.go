package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/redunet-go/redunet/eval"
)

// split is one evaluation set: its raw input and its ReduNet features (both
// m×d, rows normalised here), labels, and the last layer's own predictions.
type split struct {
	name    string
	raw     []float64
	feat    []float64
	labels  []int
	redunet []int
}

// accuracy is one cell of the accuracy table.
type accuracy struct {
	Set        string  `json:"set"`
	Input      string  `json:"input"` // "raw" or "features"
	Classifier string  `json:"classifier"`
	Accuracy   float64 `json:"accuracy"`
}

// classifierNames in table order.
var classifierNames = []string{"nearest-subspace", "knn", "svm", "redunet"}

func newClassifier(name string, rank, knnK int) eval.Classifier {
	switch name {
	case "nearest-subspace":
		return &eval.NearestSubspace{Rank: rank}
	case "knn":
		return &eval.KNN{K: knnK}
	case "svm":
		return &eval.LinearSVM{}
	}
	panic("unknown classifier " + name)
}

// evaluate fits every classifier on the training split (raw and features)
// and reports its accuracy on every split, training included unless
// skipTrain (SPEC §6).
func evaluate(d, k int, train split, sets []split, rank, knnK int, skipTrain bool) ([]accuracy, error) {
	var out []accuracy
	all := append([]split{train}, sets...)
	for _, input := range []string{"raw", "features"} {
		// Each split normalised once for all classifiers (rows that are
		// already unit vectors, as the features are, are not copied).
		xs := make([][]float64, len(all))
		for i, s := range all {
			x := s.raw
			if input == "features" {
				x = s.feat
			}
			xs[i] = normalized(x, d)
		}
		for _, name := range classifierNames {
			if name == "redunet" {
				if input == "raw" {
					continue
				}
				for i, s := range all {
					if i == 0 && skipTrain {
						continue
					}
					if s.redunet != nil {
						out = append(out, accuracy{s.name, input, name, eval.Accuracy(s.redunet, s.labels)})
					}
				}
				continue
			}
			c := newClassifier(name, rank, knnK)
			if err := c.Fit(xs[0], d, train.labels, k); err != nil {
				return nil, fmt.Errorf("%s on %s: %w", name, input, err)
			}
			for i, s := range all {
				if i == 0 && skipTrain {
					continue
				}
				pred := c.Predict(nil, xs[i])
				out = append(out, accuracy{s.name, input, name, eval.Accuracy(pred, s.labels)})
			}
		}
	}
	return out, nil
}

// normalized returns x (rows of d values) with every row scaled to unit
// norm: x itself when its rows already are (to 1e-12), else a copy.
func normalized(x []float64, d int) []float64 {
	for i := 0; i+d <= len(x); i += d {
		s := 0.0
		for _, v := range x[i : i+d] {
			s += v * v
		}
		if math.Abs(s-1) > 1e-12 {
			return eval.NormalizeRows(nil, x, d)
		}
	}
	return x
}

// printAccuracy prints the table: one row per classifier, one column per
// (set, input).
func printAccuracy(w io.Writer, acc []accuracy) {
	var cols []string
	seen := map[string]bool{}
	cell := map[string]float64{}
	for _, a := range acc {
		col := a.Set + "/" + a.Input
		if !seen[col] {
			seen[col] = true
			cols = append(cols, col)
		}
		cell[a.Classifier+" "+col] = a.Accuracy
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "accuracy\t%s\t\n", strings.Join(cols, "\t"))
	for _, name := range classifierNames {
		fmt.Fprintf(tw, "%s\t", name)
		for _, col := range cols {
			if v, ok := cell[name+" "+col]; ok {
				fmt.Fprintf(tw, "%.4f\t", v)
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	if seen["shifts*/features"] {
		fmt.Fprintln(w, "shifts*: the all-shifts test set against classifiers fit on every training sample at every shift")
	}
}
