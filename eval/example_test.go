package eval_test

import (
	"fmt"

	"github.com/redunet-go/redunet/eval"
)

func ExampleNearestSubspace() {
	// Class 0 lies on the x axis, class 1 on the y axis of R³.
	x := []float64{
		1, 0, 0,
		-2, 0, 0,
		0, 2, 0,
		0, 1, 0,
	}
	labels := []int{0, 0, 1, 1}
	ns := eval.NearestSubspace{Rank: 1}
	if err := ns.Fit(x, 3, labels, 2); err != nil {
		fmt.Println(err)
		return
	}
	// The residuals of (3, 4, 12) are ‖(0, 4, 12)‖ = √160 and ‖(3, 0, 12)‖ = √153.
	z := []float64{3, 4, 12}
	fmt.Printf("residuals %.4f\n", ns.Residuals(nil, z))
	fmt.Println("class", ns.Predict(nil, z))
	// Output:
	// residuals [12.6491 12.3693]
	// class [1]
}

func ExampleKNN() {
	// Cosine similarity ignores lengths: (2, 0.3) is nearly parallel to
	// (10, 1) though much closer to (0.1, 0.5) in Euclidean distance.
	x := []float64{
		10, 1,
		9, 2,
		0.1, 0.5,
	}
	labels := []int{0, 0, 1}
	knn := eval.KNN{K: 1}
	if err := knn.Fit(x, 2, labels, 2); err != nil {
		fmt.Println(err)
		return
	}
	pred := knn.Predict(nil, []float64{2, 0.3, 0, 1})
	fmt.Println(pred, eval.Accuracy(pred, []int{0, 1}))
	// Output:
	// [0 1] 1
}

func ExampleLinearSVM() {
	// x = 0 is class 0 and x = 2 is class 1. With C = 1 the machine of
	// class 1 is w = 20/29, b = −16/29 (the bias is regularised, as in
	// liblinear).
	svm := eval.LinearSVM{C: 1, Tol: 1e-12}
	if err := svm.Fit([]float64{0, 2}, 1, []int{0, 1}, 2); err != nil {
		fmt.Println(err)
		return
	}
	w, b := svm.Weights(1)
	fmt.Printf("w=%.6f b=%.6f\n", w[0], b)
	fmt.Println(svm.Predict(nil, []float64{-1, 0.7, 0.9, 3}))
	// Output:
	// w=0.689655 b=-0.551724
	// [0 0 1 1]
}

func ExampleNew() {
	// Every registered classifier, fit on the same two classes.
	x := []float64{
		1, 0.1,
		1, -0.1,
		0.1, 1,
		-0.1, 1,
	}
	labels := []int{0, 0, 1, 1}
	for _, name := range eval.Classifiers() {
		c, err := eval.New(name, eval.Options{Rank: 1, K: 1})
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := c.Fit(x, 2, labels, 2); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(name, c.Predict(nil, []float64{2, 0.5, 0.3, 3}))
	}
	// Output:
	// nearest-subspace [0 1]
	// knn [0 1]
	// svm [0 1]
}
