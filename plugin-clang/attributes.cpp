//===- attributes.cpp - [[hotpath::measure]] and [[hotpath::main]] -------===//
//
// Registers the standard-attribute spellings (C++11 and C2x/C23):
//
//   [[hotpath::measure]]            measure this function
//   [[hotpath::measure("label")]]   ... reported under "label"
//   [[hotpath::measure("sample=64")]], [[hotpath::measure("db", "sample=64")]]
//                                   ... timing 1 call in 64 (every call counted)
//   [[hotpath::main]]               the measured window (report at its end)
//   [[hotpath::main(50, 95, 99.9)]] ... with these percentiles
//   [[hotpath::main(95, "alloc")]]  ... and allocation tracking ("alloc" or
//                                   "alloc-cumulative", in any position)
//
// The GNU spelling __attribute__((annotate("hotpath"...))) is Clang's own
// attribute and is checked by the AST consumer (frontend.cpp).
//
// Clang parses the arguments of a [[scope::name(...)]] attribute only when
// __has_cpp_attribute knows it, which plugin attributes are not before
// Clang 17: the arguments are skipped unparsed. They are then read back from
// the source text with the raw lexer. That sees what is written: string
// literals and numbers; a macro or any other expression there is an error
// (never a silently lost label), pointing to the GNU spelling.
//
// A valid attribute leaves an implicit annotation for the AST consumer:
//
//   [[hotpath::measure("db")]]   ->  annotate("hotpath.attr" US "measure" US "db" US "0")
//   [[hotpath::measure("sample=8")]] -> annotate("hotpath.attr" US "measure" US "" US "8")
//   [[hotpath::main(50, 99)]]    ->  annotate("hotpath.attr" US "main" US "50,99" US "0")
//   [[hotpath::main("alloc")]]   ->  annotate("hotpath.attr" US "main" US "" US "1")
//
// Annotations are inherited by later redeclarations and instantiated with
// templates, so the definition the code generator emits carries it.
//
//===----------------------------------------------------------------------===//
#include "hotpath-clang.h"

#include "../plugin-common/plugin_args.h"

using namespace clang;

namespace {

// One argument of the attribute, as written.
struct Arg {
  // Wide: a string literal of wider characters (L"", u"", U""); Empty:
  // nothing written between two commas; UnquotedSample: sample=N without
  // the quotes (which GCC and Clang 17+ parse as an expression).
  enum { String, Wide, Number, Empty, UnquotedSample, Other } Kind = Other;
  std::string Str;
  double Num = 0;
  SourceLocation Loc;
};

// Arguments Clang parsed into expressions (Clang 17 and later).
void exprArgs(Sema &S, const ParsedAttr &A, llvm::SmallVectorImpl<Arg> &Out) {
  for (unsigned I = 0; I < A.getNumArgs(); ++I) {
    Arg R;
    R.Loc = A.getLoc();
    if (A.isArgExpr(I) && A.getArgAsExpr(I)) {
      const Expr *E = A.getArgAsExpr(I);
      R.Loc = E->getExprLoc();
      const auto *SL = dyn_cast<StringLiteral>(E->IgnoreParenImpCasts());
      if (SL && SL->getCharByteWidth() == 1) {
        R.Kind = Arg::String;
        R.Str = SL->getString().str();
      } else if (SL) {
        R.Kind = Arg::Wide; // neither a label nor an option
      } else if (hotpath::evaluateNumber(E, S.Context, R.Num)) {
        R.Kind = Arg::Number;
      }
    }
    Out.push_back(R);
  }
}

// Interprets the tokens of one argument read by the raw lexer (At: where
// an empty one is, the comma or parenthesis after it). An object-like macro
// is replaced by its definition (one level), so that
// [[hotpath::measure(LABEL)]] works for #define LABEL "name".
Arg rawArg(Sema &S, llvm::ArrayRef<Token> Toks, SourceLocation At) {
  Arg R;
  R.Loc = At;
  if (Toks.empty()) {
    R.Kind = Arg::Empty;
    return R;
  }
  if (Toks.size() == 1 && Toks[0].is(tok::raw_identifier)) {
    Preprocessor &PP = S.getPreprocessor();
    const MacroInfo *MI = PP.getMacroInfo(PP.getIdentifierInfo(Toks[0].getRawIdentifier()));
    if (MI && MI->isObjectLike() && MI->getNumTokens() > 0) {
      R = rawArg(S, MI->tokens(), At);
      R.Loc = Toks[0].getLocation();
      return R;
    }
  }
  R.Loc = Toks.front().getLocation();
  if (Toks.size() >= 2 && Toks[0].is(tok::raw_identifier) &&
      Toks[0].getRawIdentifier() == "sample" && Toks[1].is(tok::equal)) {
    R.Kind = Arg::UnquotedSample;
    return R;
  }
  // "a" "b", u8"a" "b": joined as the compiler joins them
  bool AllStrings =
      llvm::all_of(Toks, [](const Token &T) { return tok::isStringLiteral(T.getKind()); });
  if (AllStrings) {
    StringLiteralParser P(Toks, S.getPreprocessor());
    if (!P.hadError && !P.isWide() && !P.isUTF16() && !P.isUTF32()) {
      R.Kind = Arg::String;
      R.Str = P.GetString().str();
    } else if (!P.hadError) {
      R.Kind = Arg::Wide;
    }
    return R;
  }
  bool Neg = Toks.size() == 2 && Toks[0].is(tok::minus);
  const Token &N = Toks.back();
  if ((Toks.size() == 1 || Neg) && N.is(tok::numeric_constant)) {
    std::string Text = S.getPreprocessor().getSpelling(N);
    llvm::StringRef T(Text);
    bool Hex = hp::startsWith(T.lower(), "0x");
    while (!T.empty() && (T.back() == 'u' || T.back() == 'U' || T.back() == 'l' ||
                          T.back() == 'L' || (!Hex && (T.back() == 'f' || T.back() == 'F'))))
      T = T.drop_back();
    double V;
    if (!T.getAsDouble(V)) {
      R.Kind = Arg::Number;
      R.Num = Neg ? -V : V;
    }
  }
  return R;
}

// Reads the arguments after the attribute's name from the source text.
// Returns false when there is nothing to read.
void rawArgs(Sema &S, const ParsedAttr &A, llvm::SmallVectorImpl<Arg> &Out) {
  SourceManager &SM = S.getSourceManager();
  SourceLocation NameLoc = SM.getSpellingLoc(A.getRange().getEnd());
  std::pair<FileID, unsigned> At = SM.getDecomposedLoc(NameLoc);
  bool Invalid = false;
  llvm::StringRef Buf = SM.getBufferData(At.first, &Invalid);
  if (Invalid)
    return;
  Lexer L(SM.getLocForStartOfFile(At.first), S.getLangOpts(), Buf.begin(),
          Buf.begin() + At.second, Buf.end());
  Token T;
  L.LexFromRawLexer(T); // the name itself
  if (L.LexFromRawLexer(T) || !T.is(tok::l_paren))
    return;
  llvm::SmallVector<Token, 4> Cur;
  int Depth = 0;
  while (!L.LexFromRawLexer(T)) {
    if (T.isOneOf(tok::l_paren, tok::l_square, tok::l_brace))
      ++Depth;
    if (T.isOneOf(tok::r_paren, tok::r_square, tok::r_brace) && Depth-- == 0) {
      if (!Cur.empty() || !Out.empty())
        Out.push_back(rawArg(S, Cur, T.getLocation()));
      return;
    }
    if (T.is(tok::comma) && Depth == 0) {
      Out.push_back(rawArg(S, Cur, T.getLocation()));
      Cur.clear();
      continue;
    }
    Cur.push_back(T);
  }
}

class HotpathAttrInfo : public ParsedAttrInfo {
public:
  HotpathAttrInfo(const char *Name, llvm::ArrayRef<Spelling> S) : Name(Name) {
    OptArgs = 15;
    // Clang 17 and later parse the arguments: with custom parsing, Clang
    // does not count them against OptArgs (hotpath::main takes up to 16
    // percentiles and its options), check() does and says what the limit is.
    HasCustomParsing = 1;
    Spellings = S;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A, const Decl *D) const override {
    if (isa<FunctionDecl>(D))
      return true;
    hotpath::reportError(S.getDiagnostics(), A.getLoc(),
                         "'%0' attribute only applies to functions, not to " +
                             hotpath::whatItIs(D),
                         Name);
    return false;
  }

  bool diagAppertainsToStmt(Sema &S, const ParsedAttr &A, const Stmt *) const override {
    hotpath::reportError(S.getDiagnostics(), A.getLoc(),
                         "'%0' attribute only applies to functions, not to statements", Name);
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D, const ParsedAttr &A) const override {
    llvm::SmallVector<Arg, 4> Args;
    if (A.getNumArgs() > 0)
      exprArgs(S, A, Args);
    else
      rawArgs(S, A, Args);
    std::string Value;
    if (!check(S, A, Args, Value))
      return AttributeNotApplied;
    std::string Tag = hotpath::AttrTag.str();
    (((Tag += hotpath::FieldSep) += kindWord()) += hotpath::FieldSep) += Value;
    D->addAttr(AnnotateAttr::CreateImplicit(S.Context, Tag, nullptr, 0, A.getRange()));
    return AttributeApplied;
  }

protected:
  virtual const char *kindWord() const = 0;
  // Validates the arguments and renders the annotation's value.
  virtual bool check(Sema &S, const ParsedAttr &A, llvm::ArrayRef<Arg> Args,
                     std::string &Value) const = 0;
  const char *Name;
};

class MeasureAttrInfo : public HotpathAttrInfo {
  static constexpr Spelling S[] = {{hp::SyntaxCXX11, "hotpath::measure"},
                                   {hp::SyntaxC23, "hotpath::measure"}};

public:
  MeasureAttrInfo() : HotpathAttrInfo("hotpath::measure", S) {}

protected:
  const char *kindWord() const override { return "measure"; }
  // A label and a "sample=N", each at most once, in either order.
  bool check(Sema &S, const ParsedAttr &A, llvm::ArrayRef<Arg> Args,
             std::string &Value) const override {
    DiagnosticsEngine &D = S.getDiagnostics();
    std::string Label;
    unsigned Sample = 0;
    bool Labelled = false;
    // after the first argument (a label that reads like an option is one)
    for (size_t I = 1; I < Args.size(); ++I)
      if (Args[I].Kind == Arg::String && hotpath::mainOptionFlags(Args[I].Str)) {
        hotpath::reportOptionOnMeasure(D, Args[I].Loc, Args[I].Str, "hotpath::main", Name);
        return false;
      }
    for (const Arg &G : Args) {
      if (G.Kind == Arg::UnquotedSample) {
        hotpath::reportError(D, G.Loc,
                             "sampling period given to '%0' without quotes: write it as a "
                             "string, \"sample=N\" (GCC and Clang 17 and later read sample=N "
                             "as an expression)",
                             Name);
        return false;
      }
      if (G.Kind == Arg::String) {
        char Msg[512];
        unsigned N = 0;
        hp_args_status St = hp_args_sample_option(G.Str.c_str(), Name, 0, &N, Msg, sizeof Msg);
        if (St == HP_ARGS_OK && Sample)
          St = hp_args_message(HP_ARGS_SAMPLE_TWICE, Name, nullptr, nullptr, Msg, sizeof Msg);
        if (St != HP_ARGS_NOT_SAMPLE) {
          if (St != HP_ARGS_OK) {
            hotpath::reportError(D, G.Loc, "%0", Msg);
            return false;
          }
          Sample = N;
          continue;
        }
      }
      if (Labelled) {
        hotpath::reportError(D, G.Loc,
                             "wrong number of arguments to '%0': it takes at most one label "
                             "and one \"sample=N\"",
                             Name);
        return false;
      }
      if (G.Kind == Arg::Wide || (G.Kind == Arg::String && G.Str.empty())) {
        hotpath::reportLabelProblem(D, G.Loc, Name, G.Kind == Arg::Wide);
        return false;
      }
      if (G.Kind != Arg::String) {
        hotpath::reportError(D, G.Loc,
                             "label given to '%0' must be a string literal, written in the "
                             "attribute (for a label from a macro, use "
                             "__attribute__((annotate(\"hotpath\", LABEL))))",
                             Name);
        return false;
      }
      Label = G.Str;
      Labelled = true;
    }
    (Value = Label) += hotpath::FieldSep;
    Value += std::to_string(Sample);
    return true;
  }
};

class MainAttrInfo : public HotpathAttrInfo {
  static constexpr Spelling S[] = {{hp::SyntaxCXX11, "hotpath::main"},
                                   {hp::SyntaxC23, "hotpath::main"}};

public:
  MainAttrInfo() : HotpathAttrInfo("hotpath::main", S) {}

protected:
  const char *kindWord() const override { return "main"; }
  bool check(Sema &S, const ParsedAttr &A, llvm::ArrayRef<Arg> Args,
             std::string &Value) const override {
    unsigned Flags = 0, Percentiles = 0;
    for (const Arg &P : Args) {
      if (P.Kind == Arg::Empty) {
        hotpath::reportError(S.getDiagnostics(), P.Loc,
                             "empty argument given to '%0' (expected a percentile from 0 to "
                             "100, 'alloc' or 'alloc-cumulative')",
                             Name);
        return false;
      }
      if (P.Kind == Arg::UnquotedSample ||
          (P.Kind == Arg::String && !P.Str.compare(0, 7, "sample="))) {
        char Msg[512];
        unsigned N;
        hp_args_sample_option("sample=", Name, 1, &N, Msg, sizeof Msg);
        hotpath::reportError(S.getDiagnostics(), P.Loc, "%0", Msg);
        return false;
      }
      if (P.Kind == Arg::String) {
        unsigned F = hotpath::mainOptionFlags(P.Str);
        if (!F) {
          hotpath::reportUnknownMainOption(S.getDiagnostics(), P.Loc, P.Str, Name);
          return false;
        }
        Flags |= F;
        continue;
      }
      if (P.Kind != Arg::Number) {
        hotpath::reportError(S.getDiagnostics(), P.Loc,
                             "percentile given to '%0' is not a number", Name);
        return false;
      }
      if (++Percentiles > hotpath::MaxPercentiles) {
        hotpath::reportTooManyPercentiles(S.getDiagnostics(), P.Loc, Name);
        return false;
      }
      if (!(P.Num >= 0 && P.Num <= 100)) {
        hotpath::reportError(S.getDiagnostics(), P.Loc,
                             "percentile '" + hotpath::formatPercentile(P.Num) +
                                 "' given to '%0' is outside 0-100",
                             Name);
        return false;
      }
      if (!Value.empty())
        Value += ',';
      Value += hotpath::formatPercentile(P.Num);
    }
    (Value += hotpath::FieldSep) += std::to_string(Flags);
    return true;
  }
};

} // namespace

namespace hotpath {

unsigned mainOptionFlags(llvm::StringRef Option) {
  if (Option == "alloc")
    return FlagAlloc;
  if (Option == "alloc-cumulative")
    return FlagAlloc | FlagAllocCumulative;
  return 0;
}

// The same words as the GCC plugin's diagnostics.
void reportUnknownMainOption(DiagnosticsEngine &D, SourceLocation Loc, llvm::StringRef Option,
                             llvm::StringRef Spelling) {
  reportError(D, Loc,
              "unknown option '%0' given to '" + Spelling.str() +
                  "' (accepted: 'alloc', 'alloc-cumulative' or a percentile from 0 to 100)",
              Option);
}

void reportTooManyPercentiles(DiagnosticsEngine &D, SourceLocation Loc, llvm::StringRef Spelling) {
  reportError(D, Loc,
              "too many percentiles given to '%0': at most " + std::to_string(MaxPercentiles) +
                  " are accepted",
              Spelling);
}

void reportLabelProblem(DiagnosticsEngine &D, SourceLocation Loc, llvm::StringRef Spelling,
                        bool Wide) {
  if (Wide)
    reportError(D, Loc,
                "label given to '%0' is a wide string literal: use a narrow (\"...\") or "
                "UTF-8 (u8\"...\") one",
                Spelling);
  else
    reportError(D, Loc, "label given to '%0' is empty: give the report row a name, or no label",
                Spelling);
}

void reportOptionOnMeasure(DiagnosticsEngine &D, SourceLocation Loc, llvm::StringRef Option,
                           llvm::StringRef MainSpelling, llvm::StringRef Spelling) {
  reportError(D, Loc,
              "'%0' is an option of '" + MainSpelling.str() + "', not of '" + Spelling.str() +
                  "', which takes at most one label",
              Option);
}

} // namespace hotpath

static ParsedAttrInfoRegistry::Add<MeasureAttrInfo> X("hotpath::measure",
                                                      "measure a function with hotpath");
static ParsedAttrInfoRegistry::Add<MainAttrInfo> Y("hotpath::main",
                                                   "the function whose run hotpath reports on");
