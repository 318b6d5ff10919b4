package experiment_test

import (
	"context"
	"fmt"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/experiment"
)

func ExampleShiftGrid() {
	// 28×28 images: every (dy, dx) in {0, 7, 14, 21}².
	grid := experiment.ShiftGrid([]int{28, 28})
	fmt.Println(len(grid), grid[:5])
	// 1-D signals of 200 angles: every multiple of 10.
	fmt.Println(len(experiment.ShiftGrid([]int{200})))
	// Volumes: four offsets on each of three axes.
	fmt.Println(len(experiment.ShiftGrid([]int{8, 8, 8})))
	// Output:
	// 16 [[0 0] [0 7] [0 14] [0 21] [7 0]]
	// 20
	// 64
}

func ExampleAllShifts() {
	// One 1-channel signal of length 4 per class: every shift (T < 20).
	s := &datasets.Set{Name: "signals", Shape: []int{1, 4}, Classes: []string{"up", "down"},
		X: []float64{1, 2, 3, 4, 4, 3, 2, 1}, Labels: []int{0, 1}}
	sh, err := experiment.AllShifts(s, 1, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range sh.Len() {
		fmt.Println(sh.Classes[sh.Labels[i]], sh.Row(i))
	}
	// Output:
	// up [1 2 3 4]
	// up [4 1 2 3]
	// up [3 4 1 2]
	// up [2 3 4 1]
	// down [4 3 2 1]
	// down [1 4 3 2]
	// down [2 1 4 3]
	// down [3 2 1 4]
}

func ExampleEvaluate() {
	// Two classes along the axes of the plane. The first test sample looks
	// like class 1 in its raw form, but the network maps it to class 0's
	// axis, where it belongs.
	train := experiment.Split{Name: experiment.TrainSet,
		Raw:      []float64{1, 0.2, 2, 0.1, 0.2, 1, 0.1, 3},
		Features: []float64{1, 0, 1, 0, 0, 1, 0, 1},
		Labels:   []int{0, 0, 1, 1}, Predicted: []int{0, 0, 1, 1}}
	test := experiment.Split{Name: experiment.TestSet,
		Raw:      []float64{0.2, 1, 0.1, 1},
		Features: []float64{1, 0, 0, 1},
		Labels:   []int{0, 1}, Predicted: []int{0, 1}}
	acc, err := experiment.Evaluate(context.Background(), 2, train, []experiment.Split{test}, eval.Options{Rank: 1, K: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	cols, vals := experiment.Table(acc)
	fmt.Println(cols)
	for _, name := range experiment.Classifiers() {
		fmt.Println(name, vals[name])
	}
	// Output:
	// [train/raw test/raw train/features test/features]
	// nearest-subspace [1 0.5 1 1]
	// knn [1 0.5 1 1]
	// svm [1 0.5 1 1]
	// redunet [NaN NaN 1 1]
}

func ExampleRun() {
	// The Gaussians on the circle, with fewer samples and layers.
	cfg, err := experiment.Lookup("gaussian2d", experiment.Small)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.TrainPer, cfg.TestPer, cfg.Layers = 50, 20, 10
	ctx := context.Background()
	train, test, err := experiment.Load(ctx, cfg, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := experiment.Prepare(cfg.Layout(), train)
	if err == nil {
		err = data.AddTest(test)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	layers := 0
	res, err := experiment.Run(ctx, cfg, data, experiment.Options{OnLayer: func(experiment.Layer) { layers++ }})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(layers, "layers,", res.Samples())
	for _, a := range res.Accuracy {
		if a.Set == experiment.TestSet && a.Input == experiment.Features {
			fmt.Printf("%s %.2f\n", a.Classifier, a.Accuracy)
		}
	}
	// Output:
	// 10 layers, map[test:40 train:100]
	// nearest-subspace 1.00
	// knn 1.00
	// svm 1.00
	// redunet 1.00
}
