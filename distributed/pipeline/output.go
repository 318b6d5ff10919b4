package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs" // gs:// paths
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

// Summary is what a run records, written as JSON to Spec.Summary.
type Summary struct {
	Spec *Spec `json:"spec"`
	// Samples is the number of samples of each split.
	Samples map[string]int `json:"samples"`
	// Depths has the rates of the training features at every depth 0…L
	// (the prepared input, then after each layer), with the true labels.
	Depths []LayerInfo `json:"depths"`
	// Accuracy is that of ReduNet's own classifier (ŷ = argmax π̂ of the
	// last layer) on each split.
	Accuracy map[string]float64 `json:"accuracy"`
	// Labels and Predicted are, per split, every sample's label and the
	// last layer's ŷ, in file order.
	Labels    map[string][]int `json:"labels"`
	Predicted map[string][]int `json:"predicted"`
	// Counters are the pipeline's counters (Run fills them in): samples
	// read per split, bytes of statistics emitted to the reduction.
	Counters map[string]int64 `json:"counters,omitempty"`
}

// featuresFn writes a final shard's features, labels and ŷ as .npy files
// in Spec.Features: <split>-<shard>.npy (M×C×shape, float32 for a float32
// net), <split>-<shard>-labels.npy, <split>-<shard>-pred.npy and
// prob-<split>-<shard>.npy (π̂ of the last layer, M×K); or, with
// Prefix "input-", the prepared input of a shard (depth 0) as
// input-<split>-<shard>.npy.
type featuresFn struct {
	Spec   Spec
	Prefix string // "" for the final features, "input-" for the prepared input (depth 0)
	net    *redunet.Net
}

func (f *featuresFn) ProcessElement(ctx context.Context, p Part) error {
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		return err
	}
	b, err := getBatch(ctx, net, p)
	if err != nil {
		return err
	}
	if err := writeFeatures(&f.Spec, net, f.Prefix, p.Split, p.Shard, b, p.Labels, p.Pred); err != nil {
		return err
	}
	if p.Prob == nil {
		return nil
	}
	path := filepath.Join(f.Spec.Features, fmt.Sprintf("prob-%s-%05d.npy", p.Split, p.Shard))
	return datasets.WriteNPY(path, p.Prob, []int{len(p.Labels), net.K}, false)
}

// writeFeatures writes the features of batch b (a shard of a split) to
// Spec.Features as <prefix><split>-<shard>.npy, with its labels and ŷ
// unless they are nil.
func writeFeatures(spec *Spec, net *redunet.Net, prefix, split string, shard int, b *redunet.Batch, labels, pred []int) error {
	feat := net.Decode(b)
	if err := os.MkdirAll(spec.Features, 0o755); err != nil {
		return fmt.Errorf("pipeline: features: %w", err)
	}
	base := filepath.Join(spec.Features, fmt.Sprintf("%s%s-%05d", prefix, split, shard))
	shape := append([]int{b.Len(), net.C}, net.Shape...)
	if err := datasets.WriteNPY(base+".npy", feat, shape, net.Params.Precision == redunet.Float32); err != nil {
		return err
	}
	if labels != nil {
		if err := datasets.WriteNPY(base+"-labels.npy", floats(labels), []int{len(labels)}, false); err != nil {
			return err
		}
	}
	if pred != nil {
		return datasets.WriteNPY(base+"-pred.npy", floats(pred), []int{len(pred)}, false)
	}
	return nil
}

func floats(x []int) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// writeFn writes the summary, and the model if Spec.Model is set: the
// net with its training input (read whole from the source: the model holds
// it), as redunet train saves it.
type writeFn struct {
	Spec Spec
}

func (f *writeFn) ProcessElement(ctx context.Context, _ []byte, infos func(*LayerInfo) bool, scores func(*Score) bool) error {
	sum := &Summary{Spec: &f.Spec, Samples: map[string]int{}, Accuracy: map[string]float64{}, Labels: map[string][]int{}, Predicted: map[string][]int{}}
	var li LayerInfo
	for infos(&li) {
		sum.Depths = append(sum.Depths, li)
	}
	slices.SortFunc(sum.Depths, func(a, b LayerInfo) int { return a.Depth - b.Depth })
	bySplit := map[string][]Score{}
	var sc Score
	for scores(&sc) {
		bySplit[sc.Split] = append(bySplit[sc.Split], sc)
	}
	for split, ss := range bySplit {
		// Sample t of shard i is sample i + t·Shards of the split.
		n := 0
		for _, s := range ss {
			n += len(s.Labels)
		}
		labels, pred := make([]int, n), make([]int, n)
		correct := 0
		for _, s := range ss {
			for t := range s.Labels {
				at := s.Shard + t*f.Spec.Shards
				if at >= n {
					return fmt.Errorf("pipeline: %s shard %d of %d holds %d samples of %d in all: the shards are not the interleaved split", split, s.Shard, f.Spec.Shards, len(s.Labels), n)
				}
				labels[at] = s.Labels[t]
				if s.Pred != nil {
					pred[at] = s.Pred[t]
				}
				if s.Pred != nil && s.Pred[t] == s.Labels[t] {
					correct++
				}
			}
		}
		sum.Samples[split], sum.Labels[split] = n, labels
		if f.Spec.Params.Layers > 0 {
			sum.Predicted[split] = pred
			sum.Accuracy[split] = float64(correct) / float64(n)
		}
	}
	if err := writeAtomic(ctx, f.Spec.Summary, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(sum)
	}); err != nil {
		return err
	}
	if f.Spec.Model == "" {
		return nil
	}
	net, err := f.Spec.Net()
	if err != nil {
		return err
	}
	set, err := f.Spec.Load(ctx, Train, 0, 1)
	if err != nil {
		return err
	}
	net.TrainX, net.Labels = set.X, set.Labels
	m := &redunet.Model{Classes: f.Spec.ClassNames, InputShape: f.Spec.InputShape, Preprocess: f.Spec.Preprocess, Meta: f.Spec.Meta, Net: net}
	return writeAtomic(ctx, f.Spec.Model, func(w io.Writer) error { return m.Write(w, redunet.SaveOptions{}) })
}

// writeAtomic writes a file of a Beam file system (a local path, gs://…)
// through a temporary file beside it, renamed over path once complete,
// so that a failure never leaves a partial file at path.
func writeAtomic(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	tmp := fmt.Sprintf("%s.tmp-%016x", path, rand.Uint64())
	w, err := fs.OpenWrite(ctx, tmp)
	if err != nil {
		return fmt.Errorf("pipeline: %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			if rm, ok := fs.(filesystem.Remover); ok {
				rm.Remove(ctx, tmp)
			}
			err = fmt.Errorf("pipeline: writing %s: %w", path, err)
		}
	}()
	if err := write(w); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return filesystem.Rename(ctx, fs, tmp, path)
}

// readFile reads a file of a Beam file system.
func readFile(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// removeFile removes a file of a Beam file system, if it can: a file left
// behind is only space.
func removeFile(ctx context.Context, path string) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return
	}
	defer fs.Close()
	if rm, ok := fs.(filesystem.Remover); ok {
		rm.Remove(ctx, path)
	}
}

// Run runs spec on the runner that Beam's flags choose (by default prism,
// in this process) and returns the summary it wrote, with the pipeline's
// counters. Without a Spec.Scratch it uses a new temporary directory, and
// removes it at the end; otherwise it removes what the run left in
// Scratch if that is a local directory.
func Run(ctx context.Context, spec *Spec) (*Summary, error) {
	if spec.Scratch == "" {
		dir, err := os.MkdirTemp("", "redunet-beam-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		s := *spec
		s.Scratch = dir
		spec = &s
	} else if !strings.Contains(spec.Scratch, "://") {
		defer func() {
			for d := 0; d <= spec.Params.Layers; d++ {
				os.RemoveAll(filepath.Join(spec.Scratch, fmt.Sprintf("d%03d", d)))
			}
			os.RemoveAll(filepath.Join(spec.Scratch, "layers"))
		}()
	}
	p, s := beam.NewPipelineWithRoot()
	Build(s, spec)
	pr, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return nil, err
	}
	data, err := readFile(ctx, spec.Summary)
	if err != nil {
		return nil, fmt.Errorf("pipeline: reading the summary the run wrote: %w", err)
	}
	sum := new(Summary)
	if err := json.Unmarshal(data, sum); err != nil {
		return nil, fmt.Errorf("pipeline: the summary %s: %w", spec.Summary, err)
	}
	if pr != nil {
		sum.Counters = map[string]int64{}
		for _, c := range pr.Metrics().AllMetrics().Counters() {
			sum.Counters[c.Key.Name] += c.Result()
		}
	}
	return sum, nil
}

// ReadFeatures reads the .npy files <name>-<shard>.npy of dir (as
// Spec.Features holds them: name is a split, input-<split> or prob-<split>) for shards
// 0…shards−1 and interleaves their samples, sample t of shard i being
// sample i + t·shards of the split: the arrays of the split in file order,
// m×per values, per the values of one sample. A missing file is an empty
// shard.
func ReadFeatures(dir, name string, shards int) (x []float64, per int, err error) {
	parts := make([][]float64, shards)
	total := 0
	for i := range parts {
		path := filepath.Join(dir, fmt.Sprintf("%s-%05d.npy", name, i))
		if _, err := os.Stat(path); os.IsNotExist(err) {
			continue
		}
		v, shape, err := datasets.ReadNPY(path)
		if err != nil {
			return nil, 0, err
		}
		p := 1
		for _, d := range shape[1:] {
			p *= d
		}
		if per != 0 && p != per || len(shape) < 2 {
			return nil, 0, fmt.Errorf("pipeline: %s: samples of shape %v, not those of the other shards", path, shape[1:])
		}
		per, parts[i] = p, v
		total += shape[0]
	}
	x = make([]float64, total*per)
	for i, v := range parts {
		for t := 0; t < len(v)/max(per, 1); t++ {
			at := i + t*shards
			if at >= total {
				return nil, 0, fmt.Errorf("pipeline: %s-%05d.npy of %s: shard %d of %d holds too many samples for %d in all", name, i, dir, i, shards, total)
			}
			copy(x[at*per:(at+1)*per], v[t*per:(t+1)*per])
		}
	}
	return x, per, nil
}
