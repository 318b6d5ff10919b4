package experiment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/eval"
)

// axes returns n noisy samples per class, class j near the j-th axis of R^d
// (scaled by a random factor, which the normalisation removes).
func axes(rng *rand.Rand, k, d, n int) ([]float64, []int) {
	var x []float64
	var labels []int
	for i := range n {
		for j := range k {
			row := make([]float64, d)
			for c := range row {
				row[c] = 0.05 * rng.NormFloat64()
			}
			row[j] += 1 + float64(i)
			x = append(x, row...)
			labels = append(labels, j)
		}
	}
	return x, labels
}

// TestEvaluate: on separable classes every classifier is right, and the
// cells come in the protocol's order, Own on the features only.
func TestEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const k, d = 3, 4
	xr, yr := axes(rng, k, d, 6)
	xt, yt := axes(rng, k, d, 2)
	// The "features" of this test are the raw rows, permuted: still
	// separable.
	perm := func(x []float64) []float64 {
		out := make([]float64, len(x))
		for i := 0; i < len(x); i += d {
			out[i], out[i+1], out[i+2], out[i+3] = x[i+3], x[i+2], x[i+1], x[i]
		}
		return out
	}
	train := Split{Name: TrainSet, Raw: xr, Features: perm(xr), Labels: yr, Predicted: yr}
	wrong := slices.Clone(yt)
	wrong[0] = (wrong[0] + 1) % k
	sets := []Split{
		{Name: TestSet, Raw: xt, Features: perm(xt), Labels: yt, Predicted: wrong},
		{Name: "empty"},
	}
	acc, err := Evaluate(t.Context(), k, train, sets, eval.Options{Rank: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acc {
		got = append(got, a.Input+" "+a.Classifier+" "+a.Set)
		want := 1.0
		if a.Classifier == Own && a.Set == TestSet {
			want = 5.0 / 6 // one of the six test predictions is wrong
		}
		if math.Abs(a.Accuracy-want) > 1e-15 {
			t.Errorf("%+v: want accuracy %v", a, want)
		}
	}
	want := []string{
		"raw nearest-subspace train", "raw nearest-subspace test",
		"raw knn train", "raw knn test",
		"raw svm train", "raw svm test",
		"features nearest-subspace train", "features nearest-subspace test",
		"features knn train", "features knn test",
		"features svm train", "features svm test",
		"features redunet train", "features redunet test",
	}
	if !slices.Equal(got, want) {
		t.Errorf("cells\n%q\nwant\n%q", got, want)
	}

	// Without the network's predictions there is no Own cell.
	train.Predicted, sets[0].Predicted = nil, nil
	acc, err = Evaluate(t.Context(), k, train, sets[:1], eval.Options{Rank: 1})
	if err != nil || len(acc) != 12 {
		t.Errorf("without ŷ: %v, %d cells, want 12", err, len(acc))
	}
	// A classifier's error is returned.
	bad := train
	bad.Raw = slices.Clone(xr)
	bad.Raw[0] = math.NaN()
	if _, err := Evaluate(t.Context(), k, bad, nil, eval.Options{}); err == nil {
		t.Error("NaN in the training input: no error")
	}
}

// TestShiftedTrain: the shifts* protocol gives the cells that Evaluate gives
// with the explicitly shifted training split.
func TestShiftedTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k, c, m = 2, 2, 6
	signal := []int{4, 8}
	n := signal[0] * signal[1]
	sample := func() []float64 {
		x := make([]float64, c*n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	var train Split
	train.Name = TrainSet
	for i := range m {
		train.Raw = append(train.Raw, sample()...)
		train.Features = append(train.Features, sample()...)
		train.Labels = append(train.Labels, i%k)
	}
	var shifts Split
	shifts.Name = ShiftsSet
	for i := range 5 {
		shifts.Raw = append(shifts.Raw, sample()...)
		shifts.Features = append(shifts.Features, sample()...)
		shifts.Labels = append(shifts.Labels, i%k)
	}
	opt := eval.Options{Rank: 2, K: 3}
	got, err := ShiftedTrain(t.Context(), k, train, shifts, signal, opt)
	if err != nil {
		t.Fatal(err)
	}

	// Every training sample at every shift, by hand.
	st := Split{Name: "shifted"}
	for i := range m {
		for _, off := range ShiftGrid(signal) {
			st.Raw = append(st.Raw, conv.Shift(nil, train.Raw[i*c*n:(i+1)*c*n], c, signal, off)...)
			st.Features = append(st.Features, conv.Shift(nil, train.Features[i*c*n:(i+1)*c*n], c, signal, off)...)
			st.Labels = append(st.Labels, train.Labels[i])
		}
	}
	all, err := Evaluate(t.Context(), k, st, []Split{{Name: ShiftedTrainSet, Raw: shifts.Raw, Features: shifts.Features, Labels: shifts.Labels}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	var want []Accuracy
	for _, a := range all {
		if a.Set == ShiftedTrainSet {
			want = append(want, a)
		}
	}
	if len(got) != 6 || !slices.Equal(got, want) {
		t.Errorf("ShiftedTrain\n%v\nwant\n%v", got, want)
	}

	if _, err := ShiftedTrain(t.Context(), k, train, shifts, []int{5, 5}, opt); err == nil {
		t.Error("a signal shape that does not divide the rows: no error")
	}
}

func TestTable(t *testing.T) {
	acc := []Accuracy{
		{TrainSet, Raw, "knn", 0.5},
		{TestSet, Raw, "knn", 0.25},
		{TrainSet, Features, Own, 1},
		{TestSet, Features, "svm", 0.75},
	}
	cols, vals := Table(acc)
	if want := []string{"train/raw", "test/raw", "train/features", "test/features"}; !slices.Equal(cols, want) {
		t.Errorf("columns %v, want %v", cols, want)
	}
	if names := Classifiers(); !slices.Equal(names, []string{"nearest-subspace", "knn", "svm", "redunet"}) || len(vals) != len(names) {
		t.Fatalf("Classifiers() = %v, table rows %d", names, len(vals))
	}
	eq := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
	}
	nan := math.NaN()
	for name, want := range map[string][]float64{
		"nearest-subspace": {nan, nan, nan, nan},
		"knn":              {0.5, 0.25, nan, nan},
		"svm":              {nan, nan, nan, 0.75},
		Own:                {nan, nan, 1, nan},
	} {
		if !eq(vals[name], want) {
			t.Errorf("%s: %v, want %v", name, vals[name], want)
		}
	}
}
