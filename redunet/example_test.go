package redunet_test

import (
	"context"
	"fmt"
	"math"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/redunet"
)

// The input of the vector golden case (DESIGN.md §8.2): six 3-d samples of two classes.
func vectorData() ([]float64, []int) {
	x := make([]float64, 6*3)
	for i := 0; i < 6; i++ {
		for k := 0; k < 3; k++ {
			x[i*3+k] = math.Sin(1.3*float64((i+1)*(k+1))) + 0.1*float64(k)
		}
	}
	return x, []int{0, 1, 0, 1, 0, 1}
}

// A three-layer vector ReduNet: the rates of every layer's output, with the
// true and with the predicted labels, and the layer's predictions (the
// golden values of the vector case in DESIGN.md).
func ExampleBuildVector() {
	x, y := vectorData()
	res, err := redunet.BuildVector(context.Background(), x, 3, y, 2, redunet.DefaultParams(3), redunet.BuildOptions{Keep: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range res.Layers {
		fmt.Printf("layer %d: ΔR %.6f (R %.6f, Rc %.6f), with ŷ %.6f, ŷ = %v\n",
			l.Layer, l.True.DeltaR, l.True.R, l.True.Rc, l.Pred.DeltaR, l.Predicted)
	}
	feat, yhat, pi, err := res.Net.Predict(context.Background(), x[:3])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("new sample: ŷ = %d, π̂ = [%.3f %.3f], ‖z‖ = %.3f\n", yhat[0], pi[0], pi[1], math.Sqrt(feat[0]*feat[0]+feat[1]*feat[1]+feat[2]*feat[2]))
	// Output:
	// layer 1: ΔR 0.110732 (R 3.523188, Rc 3.412456), with ŷ 0.265106, ŷ = [1 0 0 0 0 0]
	// layer 2: ΔR 0.089137 (R 3.540743, Rc 3.451606), with ŷ 0.266587, ŷ = [1 1 0 0 0 0]
	// layer 3: ΔR 0.073970 (R 3.552990, Rc 3.479021), with ŷ 0.292374, ŷ = [1 1 0 0 0 0]
	// new sample: ŷ = 1, π̂ = [0.000 1.000], ‖z‖ = 1.000
}

// A 1-D shift-invariant ReduNet with a lift, and the invariance it gives:
// every cyclic shift of a signal gets the same prediction.
func ExampleBuildMulti() {
	const m, t = 8, 12
	x := make([]float64, m*t)
	y := make([]int, m)
	for i := 0; i < m; i++ {
		y[i] = i % 2
		for s := 0; s < t; s++ {
			// Class 0: a slow wave; class 1: a fast one; different phases.
			f := 1.0 + 2*float64(y[i])
			x[i*t+s] = math.Sin(2*math.Pi*f*float64(s)/t + float64(i))
		}
	}
	lift, err := conv.NewGaussianLift(1, 4, 3, 1, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The first signal at all twelve shifts.
	shifted := make([]float64, 0, t*t)
	for s := 0; s < t; s++ {
		shifted = append(shifted, conv.Shift(nil, x[:t], 1, []int{t}, []int{s})...)
	}
	res, err := redunet.BuildMulti(context.Background(), x, 1, []int{t}, y, 2, lift, redunet.DefaultParams(5),
		redunet.BuildOptions{Eval: [][]float64{shifted}})
	if err != nil {
		fmt.Println(err)
		return
	}
	last := res.Layers[len(res.Layers)-1]
	fmt.Printf("training ŷ %v\n", last.Predicted)
	fmt.Printf("ŷ of the 12 shifts %v\n", res.EvalPredicted[0])
	// Output:
	// training ŷ [0 1 0 1 0 1 0 1]
	// ŷ of the 12 shifts [0 0 0 0 0 0 0 0 0 0 0 0]
}

// A layer built the way a distributed run builds it: the statistics of two
// shards, each split by frequency bin into three parts and sent in wire
// form; each part merged over the shards and factorised on its own; the
// parts joined. The rates are those of the whole set's layer, to rounding
// (the shards' sums are added in another order).
func ExampleJoinLayers() {
	net, err := redunet.NewNet(1, []int{4, 4}, 2, nil, redunet.DefaultParams(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float64, 8*16)
	for i := range x {
		x[i] = math.Sin(0.7*float64(i)) + float64(i/16%2)
	}
	labels := []int{0, 1, 0, 1, 0, 1, 0, 1}
	var merged []*redunet.Stats
	for s := 0; s < 2; s++ { // shard s: samples 4s…4s+3
		b, _ := net.Encode(x[s*64 : (s+1)*64])
		st, _ := net.Statistics(b, labels[s*4:(s+1)*4])
		for q, part := range st.Split(3) {
			wire, _ := part.MarshalBinary()
			got, _ := net.UnmarshalStats(wire)
			if s == 0 {
				merged = append(merged, got)
			} else if err := merged[q].Merge(got); err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	var parts []*redunet.Layer
	for _, st := range merged {
		lo, hi := st.Bins()
		l, err := net.Factor(st)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("bins %d…%d factorised\n", lo, hi-1)
		parts = append(parts, l)
	}
	layer, err := redunet.JoinLayers(parts)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := net.Encode(x)
	st, _ := net.Statistics(b, labels)
	whole, _ := net.Factor(st)
	d := math.Abs(layer.InputRates().DeltaR - whole.InputRates().DeltaR)
	fmt.Println("ΔR as the whole set's layer's, to 1e-12:", d <= 1e-12)
	// Output:
	// bins 0…3 factorised
	// bins 4…7 factorised
	// bins 8…11 factorised
	// ΔR as the whole set's layer's, to 1e-12: true
}
