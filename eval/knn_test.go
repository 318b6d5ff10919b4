package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// unit returns the 2-D point at deg degrees with length r.
func unit(deg, r float64) []float64 {
	s, c := math.Sincos(deg * math.Pi / 180)
	return []float64{r * c, r * s}
}

func rows(rs ...[]float64) []float64 {
	var x []float64
	for _, r := range rs {
		x = append(x, r...)
	}
	return x
}

// Training points at 0°, 10°, 20° (class 0) and 80°, 90° (class 1), of
// various lengths: cosine similarity only sees the angles.
func TestKNNAngles(t *testing.T) {
	x := rows(unit(0, 1), unit(10, 3), unit(20, 0.5), unit(80, 2), unit(90, 7))
	labels := []int{0, 0, 0, 1, 1}
	test := rows(unit(60, 5), unit(30, 0.1))
	for _, c := range []struct {
		k    int
		want []int
	}{
		// 60°: similarities cos 20° (80°), cos 30° (90°), cos 40° (20°) → 1, 1, 0.
		// 30°: cos 10° (20°), cos 20° (10°), cos 30° (0°) → 0, 0, 0.
		{1, []int{1, 0}},
		{3, []int{1, 0}},
		// All five vote: three class-0 rows win.
		{5, []int{0, 0}},
		// K larger than the training set: all five vote.
		{50, []int{0, 0}},
	} {
		knn := KNN{K: c.k}
		if err := knn.Fit(x, 2, labels, 2); err != nil {
			t.Fatal(err)
		}
		got := knn.Predict(nil, test)
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("K=%d: Predict = %v, want %v", c.k, got, c.want)
				break
			}
		}
	}
}

// Cosine similarity, not Euclidean distance: (2, 0.3) is close to (0.1, 0.5)
// in distance (1.9 vs 8.0) but nearly parallel to (10, 1).
func TestKNNCosine(t *testing.T) {
	knn := KNN{K: 1}
	if err := knn.Fit([]float64{10, 1, 0.1, 0.5}, 2, []int{0, 1}, 2); err != nil {
		t.Fatal(err)
	}
	if got := knn.Predict(nil, []float64{2, 0.3}); got[0] != 0 {
		t.Errorf("Predict = %v, want [0]", got)
	}
}

func TestKNNTies(t *testing.T) {
	// Majority beats similarity: neighbours of 0° with K=3 are 5° (class 0,
	// cos 5° = 0.996) and 60°, 63° (class 1, 0.5 + 0.454 = 0.954).
	knn := KNN{K: 3}
	x := rows(unit(5, 1), unit(60, 1), unit(63, 1), unit(180, 1))
	if err := knn.Fit(x, 2, []int{0, 1, 1, 0}, 2); err != nil {
		t.Fatal(err)
	}
	if got := knn.Predict(nil, unit(0, 1)); got[0] != 1 {
		t.Errorf("majority: Predict = %v, want [1]", got)
	}

	// A 1–1 vote goes to the larger summed similarity: (1, 0.5) is nearer to
	// e0 (class 1) than to e1 (class 0).
	knn = KNN{K: 2}
	if err := knn.Fit([]float64{0, 1, 1, 0}, 2, []int{0, 1}, 2); err != nil {
		t.Fatal(err)
	}
	// (1, 1) is exactly as similar to both: the tie goes to the lowest label.
	if got := knn.Predict(nil, []float64{1, 0.5, 1, 1}); got[0] != 1 || got[1] != 0 {
		t.Errorf("vote ties: Predict = %v, want [1 0]", got)
	}

	// Equal similarities when choosing neighbours: the lower training index
	// is nearer, so with K=1 the first of two identical rows votes.
	knn = KNN{K: 1}
	if err := knn.Fit([]float64{1, 0, 1, 0}, 2, []int{1, 0}, 2); err != nil {
		t.Fatal(err)
	}
	if got := knn.Predict(nil, []float64{1, 0.2}); got[0] != 1 {
		t.Errorf("neighbour ties: Predict = %v, want [1]", got)
	}
}

// The blocked product and the top-K selection against a direct computation,
// on sizes that cross the block boundaries.
func TestKNNBlocked(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const m, n, d, k = knnTrainBlock + 37, knnTestBlock + 11, 3, 4
	x := make([]float64, m*d)
	labels := make([]int, m)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range labels {
		labels[i] = rng.IntN(k)
	}
	test := make([]float64, n*d)
	for i := range test {
		test[i] = rng.NormFloat64()
	}
	knn := KNN{K: 7}
	if err := knn.Fit(x, d, labels, k); err != nil {
		t.Fatal(err)
	}
	got := knn.Predict(nil, test)
	xn := NormalizeRows(nil, x, d)
	tn := NormalizeRows(nil, test, d)
	for i := range n {
		// Selection by repeated maximum over all rows.
		used := make([]bool, m)
		count := make([]int, k)
		sum := make([]float64, k)
		for range 7 {
			best, bs := -1, math.Inf(-1)
			for j := range m {
				var s float64
				for c := range d {
					s += tn[i*d+c] * xn[j*d+c]
				}
				if !used[j] && s > bs {
					best, bs = j, s
				}
			}
			used[best] = true
			count[labels[best]]++
			sum[labels[best]] += bs
		}
		want := 0
		for l := 1; l < k; l++ {
			if count[l] > count[want] || count[l] == count[want] && sum[l] > sum[want] {
				want = l
			}
		}
		if got[i] != want {
			t.Errorf("row %d: Predict = %d, want %d", i, got[i], want)
		}
	}
}

func BenchmarkKNNPredict(b *testing.B) {
	const m, n, d, k = 1000, 1000, 784, 10
	rng := rand.New(rand.NewPCG(5, 5))
	x := make([]float64, m*d)
	test := make([]float64, n*d)
	for i := range x {
		x[i] = rng.Float64()
	}
	for i := range test {
		test[i] = rng.Float64()
	}
	labels := make([]int, m)
	for i := range labels {
		labels[i] = i % k
	}
	var knn KNN
	if err := knn.Fit(x, d, labels, k); err != nil {
		b.Fatal(err)
	}
	dst := make([]int, n)
	b.ReportAllocs()
	for b.Loop() {
		knn.Predict(dst, test)
	}
}
