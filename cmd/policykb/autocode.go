package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/autocode"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/loaders"
)

// corpusFlags are the document filters of the autocode commands, named as
// the export commands name them.
type corpusFlags struct {
	cities, provinces, documents []string
	from, to, study              string
}

func (c *corpusFlags) add(f *pflag.FlagSet) {
	f.StringSliceVar(&c.cities, "city", nil, "only these cities (English or Chinese name)")
	f.StringSliceVar(&c.provinces, "province", nil, "only these provinces")
	f.StringSliceVar(&c.documents, "document", nil, "only these document ids")
	f.StringVar(&c.from, "from", "", "only documents issued on or after this date (YYYY-MM-DD)")
	f.StringVar(&c.to, "to", "", "only documents issued on or before this date (YYYY-MM-DD)")
	f.StringVar(&c.study, "study", "", "the study (id or name) whose codings and codes are used and written; required when the knowledge base holds several")
}

// resolveStudy sets f's study from --study (graph.Store.ResolveStudy: the
// one study of a base that holds one, else the one named).
func (c *corpusFlags) resolveStudy(ctx context.Context, store *graph.Store, f *policykb.CorpusFilter) error {
	study, err := store.ResolveStudy(ctx, c.study)
	if err != nil {
		return fmt.Errorf("--study: %w", err)
	}
	f.Study = study
	return nil
}

func (c *corpusFlags) filter() (policykb.CorpusFilter, error) {
	f := policykb.CorpusFilter{Cities: c.cities, Provinces: c.provinces, Documents: c.documents}
	for _, d := range []struct {
		name, value string
		to          **time.Time
	}{{"from", c.from, &f.IssuedFrom}, {"to", c.to, &f.IssuedTo}} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.value)
		if err != nil {
			return f, fmt.Errorf("--%s: %q is not a date: expected YYYY-MM-DD", d.name, d.value)
		}
		*d.to = &t
	}
	return f, nil
}

// coderFlags choose and tune a coder.
type coderFlags struct {
	dictionary string
	hints      string
	model      string
	learnFrom  []string
	noSeeds    bool
	backoff    float64
	th         autocode.Thresholds
}

func (c *coderFlags) add(f *pflag.FlagSet) {
	f.StringVar(&c.dictionary, "dictionary", "", "a coding dictionary (YAML): code by its words, phrases and patterns (coder auto:dict:NAME); with --model, the model weighs its matches and the dictionary codes where the model is not sure of a main category (gate below 0.5) nor sure the sentence is to be left uncoded (--backoff)")
	f.StringVar(&c.hints, "hints", "", "a coding dictionary (YAML) the learned coder learns from without coding by it: its matches are features and its words and phrases training examples; the coder stays the learned one (auto:model:NAME)")
	f.BoolVar(&c.noSeeds, "no-seeds", false, "do not use the codebook's Chinese names as hints of the learned coder")
	f.Float64Var(&c.backoff, "backoff", autocode.DefaultBackoff, "with --model and --dictionary: the dictionary codes a sentence the model left uncoded when the model gives \"uncoded\" less than this")
	f.Float64Var(&c.th.MinConfidence, "min-confidence", autocode.DefaultThresholds.MinConfidence, "the learned coder leaves a sentence uncoded below this probability (the abstain threshold)")
	f.Float64Var(&c.th.ConceptShare, "concept-share", autocode.DefaultThresholds.ConceptShare, "share of its main category a concept or category needs to be coded instead of its parent")
	f.Float64Var(&c.th.UncodedWeight, "uncoded-weight", autocode.DefaultThresholds.UncodedWeight, "the learned coder alone weighs its gate's \"uncoded\" probability by this before deciding (1: unweighed; not with --dictionary)")
	f.Float64Var(&c.th.SecondConcept, "second-concept", autocode.DefaultThresholds.SecondConcept, "share a second concept of the same main category needs")
}

func (a *app) autocodeCmd() *cobra.Command {
	var cf coderFlags
	var corpus corpusFlags
	var onlyNew, dryRun bool
	cmd := &cobra.Command{
		Use:   "autocode",
		Short: "Code sentences automatically, by a dictionary or learned from the human codings",
		Long: `Code the admitted documents' sentences automatically and store the codings under an
automatic coder: auto:dict:NAME for a dictionary (--dictionary FILE), auto:model:NAME for a
coder learned from the stored human codings (--model NAME, learning from --learn-from coders,
default every human coder). Each coding has origin auto and a confidence. Human codings are
never touched, and counts stay human unless a filter names the automatic coder or sets
includeAutomatic. Running it again writes nothing new; running it with a changed dictionary or
model replaces that coder's codings on the admitted documents.

See also: policykb autocode evaluate (how far to trust it) and policykb autocode review.`,
		Example: "  policykb autocode --dictionary funding.yaml\n" +
			"  policykb autocode --model sample --learn-from A --new\n" +
			"  policykb autocode --model sample --dictionary funding.yaml --min-confidence 0.7\n" +
			"  policykb autocode --model laws --learn-from A,H --hints data/sample/dictionary.yaml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			f, err := corpus.filter()
			if err != nil {
				return err
			}
			if cf.dictionary == "" && cf.model == "" {
				return fmt.Errorf("give --dictionary FILE, --model NAME, or both")
			}
			if cf.hints != "" && cf.model == "" {
				return fmt.Errorf("--hints: only with --model (a dictionary that codes is --dictionary)")
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			if err := corpus.resolveStudy(ctx, store, &f); err != nil {
				return err
			}
			seg, _ := a.segmenter()
			coderName, coder, err := a.buildCoder(ctx, cmd.ErrOrStderr(), store, cf, f.Study)
			if err != nil {
				return err
			}
			sum, err := autocode.Apply(ctx, store, seg, coderName, coder, autocode.ApplyOptions{Filter: f, New: onlyNew, DryRun: dryRun})
			if err != nil {
				return err
			}
			if dryRun {
				fmt.Fprintln(cmd.OutOrStdout(), "dry run, nothing written:", sum.String())
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), sum.String())
			return nil
		},
	}
	fl := cmd.Flags()
	cf.add(fl)
	fl.StringVar(&cf.model, "model", "", "learn a coder from the human codings and code with it as auto:model:NAME")
	fl.StringSliceVar(&cf.learnFrom, "learn-from", nil, "the human coders the model learns from (default: every human coding)")
	fl.BoolVar(&onlyNew, "new", false, "code only the documents no human coded")
	fl.BoolVar(&dryRun, "dry-run", false, "code, count, write nothing")
	corpus.add(fl)
	cmd.AddCommand(a.autocodeEvaluateCmd(), a.autocodeReviewCmd())
	return cmd
}

// buildCoder makes the coder the flags describe.
func (a *app) buildCoder(ctx context.Context, log io.Writer, store *graph.Store, cf coderFlags, study string) (string, autocode.Coder, error) {
	seg, err := a.segmenter()
	if err != nil {
		return "", nil, err
	}
	var dict *autocode.Dictionary
	if cf.dictionary != "" {
		if dict, err = readDictionary(ctx, store, study, cf.dictionary, seg.Simplify); err != nil {
			return "", nil, err
		}
	}
	if cf.model == "" {
		return dict.Coder(), dict, nil
	}
	var hints *autocode.Dictionary
	if cf.hints != "" {
		if hints, err = readDictionaryFlag(ctx, store, study, "--hints", cf.hints, seg.Simplify); err != nil {
			return "", nil, err
		}
	}
	if !validName(cf.model) {
		return "", nil, fmt.Errorf("--model: expected a name of letters, digits, '.', '_' or '-', got %q", cf.model)
	}
	// The model learns from every document the coders coded; the filter
	// says which documents it codes.
	opt := autocode.TrainOptions{Coders: cf.learnFrom, Filter: policykb.CorpusFilter{Study: study}, Dictionary: dict, Hints: hints, NoSeeds: cf.noSeeds, Thresholds: cf.th, Backoff: cf.backoff}
	began := time.Now()
	docs, err := autocode.ReadTraining(ctx, store, seg, opt)
	if err != nil {
		return "", nil, err
	}
	codes, err := store.StudyCodes(ctx, study)
	if err != nil {
		return "", nil, err
	}
	examples := autocode.Examples(docs)
	coder, err := opt.Trainer(codes, seg)(examples)
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(log, "learned from %d documents, %d sentences (%s)\n", len(docs), len(examples), time.Since(began).Round(time.Millisecond))
	return policykb.AutoCoderPrefix + "model:" + cf.model, coder, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func readDictionary(ctx context.Context, store *graph.Store, study, path string, simplify func(string) string) (*autocode.Dictionary, error) {
	return readDictionaryFlag(ctx, store, study, "--dictionary", path, simplify)
}

// readDictionaryFlag reads the dictionary a flag names (the flag is in
// the error when the file cannot be read).
func readDictionaryFlag(ctx context.Context, store *graph.Store, study, flag, path string, simplify func(string) string) (*autocode.Dictionary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	codes, err := store.StudyCodes(ctx, study)
	if err != nil {
		return nil, err
	}
	return autocode.ParseDictionary(path, b, codes, simplify)
}

func (a *app) autocodeEvaluateCmd() *cobra.Command {
	var cf coderFlags
	var corpus corpusFlags
	var reference, coder, codingsFile string
	var folds int
	var asJSON, perCode bool
	cmd := &cobra.Command{
		Use:   "evaluate",
		Short: "Compare a coder with a reference coder: precision, recall, F1, kappa and Holsti per code and level",
		Long: `Compare a candidate coder with a reference coder (normally a human) at every level of the
coding scheme: per code, and pooled over every (sentence, code) pair, precision, recall and F1
of the candidate against the reference, Cohen's kappa and Holsti's coefficient (the definitions
of Query.agreement: a sentence counts as coded at a code when it is coded there or below it;
sentences both left uncoded are agreements, so a coder that codes what the reference left
uncoded is wrong), macro-averages over the codes, and the kappa of "coded or not".

The candidate is one of:
  --coder NAME          a stored coder (human or automatic): the documents both coded
  --codings FILE        a codings CSV (the format policykb load reads), not stored: the documents both coded
  --dictionary FILE     a dictionary, run in memory over every sentence of the reference's documents
  --cross-validate K    the learned coder, trained on K-1 parts of the reference's documents and
                        tested on the held-out part, for each part (documents are never split);
                        with --dictionary, the learned coder backed by the dictionary; with
                        --hints, the learned coder learning from a dictionary too`,
		Example: "  policykb autocode evaluate --reference A --cross-validate 6\n" +
			"  policykb autocode evaluate --reference A --coder B --json\n" +
			"  policykb autocode evaluate --reference A --dictionary funding.yaml --per-code",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if reference == "" {
				return fmt.Errorf("--reference: give the reference coder (e.g. A)")
			}
			n := 0
			for _, set := range []bool{coder != "", codingsFile != "", folds != 0, cf.dictionary != "" && folds == 0} {
				if set {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("give one candidate: --coder NAME, --codings FILE, --dictionary FILE or --cross-validate K")
			}
			if cf.hints != "" && folds == 0 {
				return fmt.Errorf("--hints: only with --cross-validate (it is what the learned coder learns from)")
			}
			f, err := corpus.filter()
			if err != nil {
				return err
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			if err := corpus.resolveStudy(ctx, store, &f); err != nil {
				return err
			}
			seg, _ := a.segmenter()
			var rep autocode.Report
			switch {
			case coder != "":
				rep, err = autocode.EvaluateStored(ctx, store, reference, coder, f)
			case codingsFile != "":
				var plan *loaders.Plan
				plan, err = loaders.Validate(ctx, store, loaders.Input{Codings: []string{codingsFile}})
				if err == nil {
					var codings []policykb.Coding
					codings = append(codings, plan.Codings...)
					for _, b := range plan.Documents {
						codings = append(codings, b.Codings...)
					}
					rep, err = autocode.EvaluateCodings(ctx, store, seg, reference, codingsFile, codings, f)
				}
			case folds != 0:
				var dict, hints *autocode.Dictionary
				if cf.dictionary != "" {
					if dict, err = readDictionary(ctx, store, f.Study, cf.dictionary, seg.Simplify); err != nil {
						return err
					}
				}
				if cf.hints != "" {
					if hints, err = readDictionaryFlag(ctx, store, f.Study, "--hints", cf.hints, seg.Simplify); err != nil {
						return err
					}
				}
				rep, err = autocode.CrossValidateStored(ctx, store, seg, reference, folds,
					autocode.TrainOptions{Filter: f, Dictionary: dict, Hints: hints, NoSeeds: cf.noSeeds, Thresholds: cf.th, Backoff: cf.backoff})
			default:
				var dict *autocode.Dictionary
				if dict, err = readDictionary(ctx, store, f.Study, cf.dictionary, seg.Simplify); err != nil {
					return err
				}
				rep, err = autocode.EvaluateCoder(ctx, store, seg, reference, dict.Coder(), dict, f)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return rep.WriteJSON(cmd.OutOrStdout())
			}
			return rep.WriteText(cmd.OutOrStdout(), perCode)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&reference, "reference", "", "the reference coder (required)")
	fl.StringVar(&coder, "coder", "", "candidate: a stored coder")
	fl.StringVar(&codingsFile, "codings", "", "candidate: a codings CSV file")
	fl.IntVar(&folds, "cross-validate", 0, "candidate: the learned coder, by K-fold cross-validation over documents")
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fl.BoolVar(&perCode, "per-code", false, "print each level's codes too")
	cf.add(fl)
	corpus.add(fl)
	return cmd
}

func (a *app) autocodeReviewCmd() *cobra.Command {
	var corpus corpusFlags
	var opt autocode.ReviewOptions
	var output string
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Write an automatic coder's least confident codings as a codings CSV to review and load back",
		Long: `Write the codings of an automatic coder whose confidence is below --below as a codings CSV:
document_id, quote (the sentence's passage), code_id, coder (--reviewer), occurrence, then
confidence, code_name and note, which policykb load ignores. Delete the rows you reject,
correct code_id where the coder chose wrong, add what it missed, and load the file:
  policykb load --codings review.csv
The kept rows become the reviewer's codings: human ones, counted like any other.`,
		Example: "  policykb autocode review --coder auto:model:sample --below 0.7 --reviewer Wang -o review.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if opt.Reviewer == "" || strings.HasPrefix(opt.Reviewer, policykb.AutoCoderPrefix) {
				return fmt.Errorf("--reviewer: give the name the reviewed codings will carry (a human coder's, not auto:...)")
			}
			f, err := corpus.filter()
			if err != nil {
				return err
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			if err := corpus.resolveStudy(ctx, store, &f); err != nil {
				return err
			}
			opt.Filter = f
			if output == "" || output == "-" {
				_, err := autocode.WriteReview(ctx, store, opt, cmd.OutOrStdout())
				return err
			}
			n, err := writeFileAtomic(output, func(w io.Writer) (int, error) { return autocode.WriteReview(ctx, store, opt, w) })
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d codings to review\n", output, n)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opt.Coder, "coder", "", "the automatic coder (auto:dict:NAME or auto:model:NAME)")
	fl.Float64Var(&opt.Below, "below", 1.01, "only codings whose confidence is below this (default: all)")
	fl.StringVar(&opt.Reviewer, "reviewer", "", "the coder name the reviewed codings will carry (required)")
	fl.StringVarP(&output, "output", "o", "", "output file (default: standard output)")
	corpus.add(fl)
	return cmd
}
