package redunet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestEvalChunks: an evaluation set moved in chunks of 1, 3 and 7 samples
// (streamValues made small) gives the same features, ŷ, π̂ and rates as in
// one chunk: features, ŷ and π̂ bitwise (every sample is moved on its own),
// the rates of the set to 1e-12 (its statistics are summed over the chunks
// in another order), for 1-D and 2-D nets with low-rank and dense classes.
func TestEvalChunks(t *testing.T) {
	defer func(v int) { streamValues = v }(streamValues)
	rng := rand.New(rand.NewPCG(9, 4))
	for _, tc := range []struct {
		shape []int
		c, k  int
		m, e  int
	}{
		{[]int{9}, 4, 2, 12, 23},
		{[]int{5, 6}, 3, 3, 9, 17},
		{[]int{4, 4}, 2, 2, 30, 11}, // classes of 15 ≥ C: dense
	} {
		x, y := confData(rng, tc.m, tc.c, tc.shape, tc.k)
		ev, ey := confData(rng, tc.e, tc.c, tc.shape, tc.k)
		n, err := NewNet(tc.c, tc.shape, tc.k, nil, DefaultParams(3))
		if err != nil {
			t.Fatal(err)
		}
		bc := n.Shape.Bins() * n.C
		build := func(chunk int) *Result {
			streamValues = chunk * bc
			res, err := BuildMulti(context.Background(), x, tc.c, tc.shape, y, tc.k, nil, DefaultParams(3),
				BuildOptions{Keep: true, Eval: [][]float64{ev}, EvalLabels: [][]int{ey}, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		ref := build(tc.e) // one chunk
		for _, chunk := range []int{1, 3, 7} {
			what := fmt.Sprintf("%v C=%d, chunks of %d", tc.shape, tc.c, chunk)
			res := build(chunk)
			confCheck(t, what+" features", res.Eval[0], ref.Eval[0], 0)
			confCheck(t, what+" π̂", res.EvalProb[0], ref.EvalProb[0], 0)
			if !equalInts(res.EvalPredicted[0], ref.EvalPredicted[0]) {
				t.Errorf("%s: ŷ differs", what)
			}
			for l := range res.Layers {
				confCheck(t, fmt.Sprintf("%s layer %d rates", what, l+1), ratesSlice(res.Layers[l].Eval[0]), ratesSlice(ref.Layers[l].Eval[0]), 1e-12)
			}
		}
	}
}
