package datasets_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/redunet-go/redunet/datasets"
)

func ExampleLoadMNIST() {
	// The fixture holds the first 100 training and test samples of MNIST.
	train, err := datasets.LoadMNIST(context.Background(), "../testdata/mnist", "train")
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

func ExampleSources() {
	// A command can list the sources that Load knows in its help text.
	for _, s := range datasets.Sources() {
		fmt.Println(s.Usage)
	}
	// Output:
	// mnist[:DIR]
	// fashion-mnist[:DIR]
	// cifar10:DIR
	// cifar100:DIR
	// cifar100-coarse:DIR
	// folder:DIR
	// npy:DATA.npy,LABELS.npy
	// gaussian2d
	// gaussian3d
	// sinusoid
}

func ExampleLoad() {
	// The synthetic sources need no files: 4 points of each class on the
	// unit circle, drawn from seed 7 ("test" would be drawn from seed 8).
	train, err := datasets.Load(context.Background(), "gaussian2d", "train",
		datasets.PerClass(4), datasets.Seed(7))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Name, train.Len(), train.Shape, train.Classes, train.Counts())

	_, err = datasets.Load(context.Background(), "gaussian2d", "valid")
	fmt.Println(err)
	// Output:
	// gaussian-circle/train 8 [2] [e1 e2] [4 4]
	// datasets: gaussian2d: unknown split "valid" (want train or test)
}

func ExampleFormatError() {
	_, err := datasets.ReadIDX(strings.NewReader("hello, world"))
	fmt.Println(err)

	var fe datasets.FormatError
	fmt.Println("format error:", errors.As(err, &fe))

	// A file that ends early is not a format error.
	_, err = datasets.ReadIDX(strings.NewReader("\x00\x00\x08\x01\x00\x00\x00\x03\x01"))
	fmt.Println(errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &fe))
	// Output:
	// datasets: not an IDX file: magic 68 65 6c 6c, want 00 00 type ndims
	// format error: true
	// true false
}
