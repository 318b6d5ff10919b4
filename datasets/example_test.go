package datasets_test

import (
	"fmt"
	"log"

	"github.com/redunet-go/redunet/datasets"
)

func ExampleLoadMNIST() {
	// The fixture holds the first 100 training and test samples of MNIST.
	train, err := datasets.LoadMNIST("../testdata/mnist", "train")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Name, train.Len(), train.Shape, train.Dim())
	fmt.Println("first labels:", train.Labels[:5])
	fmt.Println("per class:", train.Counts())

	// The first three 0s and 1s in file order, labelled 0 and 1.
	classes, err := datasets.ParseClasses("0-1")
	if err != nil {
		log.Fatal(err)
	}
	sub, err := train.Subset(classes, 3, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.Len(), sub.Classes, sub.Labels)
	// Output:
	// mnist/train 100 [1 28 28] 784
	// first labels: [5 0 4 1 9]
	// per class: [13 14 6 11 11 5 11 10 8 11]
	// 6 [0 1] [0 1 1 1 0 0]
}
