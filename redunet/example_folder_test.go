package redunet_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/fft"
	"github.com/redunet-go/redunet/redunet"
)

// lineImage draws a 12×12 gray image: a line across it, horizontal at row
// pos or vertical at column pos, over faint noise.
func lineImage(rng *rand.Rand, vertical bool, pos int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 12, 12))
	for y := 0; y < 12; y++ {
		for x := 0; x < 12; x++ {
			v := uint8(rng.IntN(40))
			if (vertical && x == pos) || (!vertical && y == pos) {
				v = 255
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	return img
}

// The library as a feature extractor for images: a folder with one
// sub-folder per class is loaded, a translation-invariant ReduNet is built
// on it, and images it has never seen — lines at rows and columns no
// training image has — get invariant features that a classifier of package
// eval, fit on the training features, labels correctly.
func ExampleNet_Transform_folder() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "redunet-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// The training images: lines in rows or columns 0…5 only.
	rng := rand.New(rand.NewPCG(1, 2))
	for c, name := range []string{"horizontal", "vertical"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			fmt.Println(err)
			return
		}
		for i := 0; i < 6; i++ {
			f, err := os.Create(filepath.Join(dir, name, fmt.Sprintf("%d.png", i)))
			if err != nil {
				fmt.Println(err)
				return
			}
			err = png.Encode(f, lineImage(rng, c == 1, i))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				fmt.Println(err)
				return
			}
		}
	}
	train, _, err := datasets.LoadFolder(ctx, dir, datasets.Gray(true))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d training images of shape %v, classes %v\n", train.Len(), train.Shape, train.Classes)

	// A lift 1→8 with 3×3 kernels, and 4 layers.
	lift, err := conv.NewGaussianLift(1, 8, 3, 2, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	net, err := redunet.NewNet(1, fft.Shape{12, 12}, len(train.Classes), lift, redunet.DefaultParams(4))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := net.Build(ctx, train.X, train.Labels, redunet.BuildOptions{Keep: true}); err != nil {
		fmt.Println(err)
		return
	}

	// New images: lines in rows and columns 6…11, which no training image has.
	var x []float64
	var labels []int
	for c := 0; c < 2; c++ {
		for pos := 6; pos < 12; pos++ {
			img := lineImage(rng, c == 1, pos)
			for _, v := range img.Pix {
				x = append(x, float64(v)/255)
			}
			labels = append(labels, c)
		}
	}
	feats, yhat, err := net.Transform(ctx, x)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The features are shift-equivariant: a shifted image has shifted
	// features. Their energy per channel (the squared norm of each channel
	// over all positions) is shift-invariant; a nearest-subspace classifier
	// of package eval is fit on the training images' on both.
	k := len(train.Classes)
	classify := func(fit, test []float64, d int) float64 {
		ns := &eval.NearestSubspace{Rank: 2}
		if err := ns.Fit(fit, d, net.Labels, k); err != nil {
			return -1
		}
		return eval.Accuracy(ns.Predict(nil, test), labels)
	}
	energy := func(f []float64) []float64 {
		n := 12 * 12
		var e []float64
		for i := 0; i+n <= len(f); i += n {
			s := 0.0
			for _, v := range f[i : i+n] {
				s += v * v
			}
			e = append(e, s)
		}
		return e
	}
	fmt.Printf("new images: nearest subspace on the features %.2f, on their channel energies %.2f; ReduNet's own ŷ %.2f\n",
		classify(net.Final, feats[0], net.FeatureLen()), classify(energy(net.Final), energy(feats[0]), net.C), eval.Accuracy(yhat[0], labels))
	// Output:
	// 12 training images of shape [1 12 12], classes [horizontal vertical]
	// new images: nearest subspace on the features 0.75, on their channel energies 1.00; ReduNet's own ŷ 1.00
}
