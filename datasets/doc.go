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
//	set, err := datasets.LoadMNIST(ctx, "testdata/mnist", "train")
//
// Sources lists every source that Load knows, with its syntax and a
// one-line summary, for help texts. Loaders take functional options. Every
// loader honours Limit(n) (the first n samples), PerClass(n) (the first n
// of each class) and Classes(ids) (only those classes), and stops reading
// as soon as no further sample can be kept, so that 5 images of each
// class cost 5 images of each class whatever the file holds. Labels and
// class names stay those of the whole set, so that Set.Subset selects and
// renumbers after them as it would on the whole set. The other options
// (Size, Gray, MaxPixels, Seed, Noise, SignalLength) say which loaders
// read them. Every loader that reads files (and MNISTDir, which may
// download) takes a context.Context first and stops soon after it is done.
//
// ReadImage decodes one image file as LoadFolder decodes each of its
// files, with the same checks and options, for a command that classifies
// single images.
//
// # Hostile input
//
// The loaders are written to read files that are damaged, truncated or
// made to do harm, at a cost bounded by the file and by what is kept:
//
//   - every size a header declares is checked before anything is
//     allocated, against the readers' limits and against the size of the
//     file (a plain IDX or NPY file shorter than its header says, CIFAR
//     batch files of more than 160 MiB, an image of more than MaxPixels
//     pixels are refused); data that may be shorter than declared (a gzip
//     stream) is read as it arrives;
//   - images are decoded one at a time per worker, never more than
//     MaxPixels pixels at once, and resized before the next;
//   - only regular files (or symbolic links to them) are read: a named
//     pipe, a socket or a device gives an error wrapping ErrNotRegular, or
//     is skipped in a folder, and is never waited on;
//   - IDX files of several gzip members are read as gzip -d reads them;
//   - class folder names are kept byte for byte, valid UTF-8 or not.
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
// Skipped, and what it chose on its own (the image size a folder's first
// image set) in Notes.
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
//   - io.ErrUnexpectedEOF: a file ends early, or is shorter than its
//     header says;
//   - ErrNotRegular: a path names a named pipe, a socket or a device;
//   - the errors of the os, compress/gzip and context packages as they
//     come (fs.ErrNotExist, gzip.ErrChecksum, context.Canceled, …).
//
// Misuse by the caller, such as Row with an index out of range or a
// synthetic set with a negative size, panics.
package datasets
