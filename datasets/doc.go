// Package datasets loads labelled data sets into one in-memory type, Set,
// and selects the subsets the ReduNet experiments train and test on.
//
// # Loading
//
// Every loader returns a *Set, whatever the source. The command line names
// a source with a string that Load understands:
//
//	train, err := datasets.Load(ctx, "mnist", "train")   // found by MNISTDir
//	test, err := datasets.Load(ctx, "mnist:/data/mnist", "test")
//	toy, err := datasets.Load(ctx, "gaussian2d", "train", datasets.Seed(7))
//
// or a program calls a loader directly:
//
//	set, err := datasets.LoadMNIST("testdata/mnist", "train")
//
// Sources lists every source that Load knows, with its syntax and a
// one-line summary, for help texts. Loaders take functional options;
// Limit(n) keeps only the first n samples and stops reading there, and the
// others (Size, Gray, PerClass, Seed, Noise, SignalLength) say which
// loaders read them. Loaders that can run long, MNISTDir and LoadFolder,
// take a context.Context first.
//
// MNIST needs no setup: MNISTDir asks the go command for the module
// MNISTModule, which the Go module proxy serves and which holds the real
// MNIST files. Fashion-MNIST is read from DefaultFashionMNISTDir, where
// Debian's dataset-fashion-mnist package puts it. The synthetic sets of the
// paper (GaussianCircle, GaussianSphere, Sinusoids) are drawn from a seed.
//
// # Sets
//
// Rows are samples. A Set holds Len() samples of Dim() values each in one
// row-major slice X; Shape gives the shape of one sample: [C,H,W] for
// images, [C,T] for signals, [C,D,H,W] for volumes, [d] for vectors.
// Row(i) is a view of sample i. Labels index Classes. Image pixels are
// scaled to [0,1]; nothing else is normalised here (the networks normalise
// samples themselves). The files a loader left out, if any, are listed in
// Skipped.
//
// # Subsets
//
// The experiments train on the first n samples of each class in file order,
// labels remapped to 0..K−1 by sorted class id:
//
//	classes, err := datasets.ParseClasses("0,1")       // from a flag
//	train, err := set.Subset(classes, 500, 0)           // first 500 of each
//	val, err := set.Subset(classes, 100, 500)           // the next 100 of each
//
// # Binary formats
//
// ReadIDX and ReadIDXFile read the IDX format of the MNIST files, plain or
// gzipped; ReadNPY reads NumPy's .npy arrays and WriteNPY writes them;
// LoadCIFAR10 and LoadCIFAR100 read the binary CIFAR records. The readers
// check the header and the total size before they allocate, so a damaged
// or hostile file costs little.
//
// # Errors
//
// Bad input and I/O failures are returned as errors whose text starts with
// "datasets: " once and names the file or set concerned. Their causes can
// be told apart with errors.Is and errors.As:
//
//   - a FormatError: the content of a file is not valid for its format or
//     for the data set (a bad magic number, a malformed header, a label out
//     of range, bytes after the data);
//   - an UnsupportedError: the file may be valid but uses something the
//     package does not read (an NPY element type such as complex128,
//     Fortran order, more data than the readers' limits);
//   - io.ErrUnexpectedEOF: a file ends early;
//   - the errors of the os, compress/gzip and context packages as they
//     come (fs.ErrNotExist, gzip.ErrChecksum, context.Canceled, …).
//
// Misuse by the caller, such as Row with an index out of range or a
// synthetic set with a negative size, panics.
package datasets
