//===- frontend.cpp - plugin arguments, __HOTPATH__ and function selection ===//
//
// The frontend action runs before Clang's code generator on every unit
// (AddBeforeMainAction), so loading the plugin is enough:
//
//   clang   -fplugin=hotpath-clang.so                     f.c  -lhotpath
//   clang++ -Xclang -load -Xclang hotpath-clang.so        f.cc -lhotpath
//
// It then
//   1. defines __HOTPATH__ (the macros of <hotpath/hotpath.h> come alive);
//   2. adds this shared object to the code generator's pass plugins, so
//      that the IR pass (instrument.cpp) runs without -fpass-plugin=;
//   3. sees each top-level declaration before the code generator does,
//      checks every annotate("hotpath"...) on it, and gives each function
//      to measure a "hotpath.site" annotation carrying its report name.
//
// Arguments (-Xclang -plugin-arg-hotpath -Xclang ARG, or
// -fplugin-arg-hotpath-ARG):
//   include=REGEX   also measure every function whose report name matches
//   exclude=REGEX   never measure functions whose report name matches
//   min-size=N      include= skips leaf functions without loops of fewer
//                   than N IR instructions (default below; 0: none)
//   sample=N        time 1 call in N of every measured function without a
//                   "sample=N" of its own (1 to 65535)
//   verbose         a remark at each function that gets measured
// They are parsed by plugin-common/plugin_args.c, shared with the GCC
// plugin (one set of messages, plugin_args.def).
//
//===----------------------------------------------------------------------===//
#include "hotpath-clang.h"

#include "../plugin-common/plugin_args.h"

#include <map>
#include <tuple>
#include <memory>

using namespace clang;

namespace {

// The default of min-size=N, in IR instructions as instrument.cpp counts
// them (docs/clang-plugin.md: how it was chosen, against the GCC plugin's).
constexpr unsigned DefaultMinSize = 80;

struct Options {
  std::shared_ptr<llvm::Regex> Include, Exclude;
  bool Verbose = false;
  unsigned MinSize = DefaultMinSize;
  unsigned Sample = 0; // sample=N; 0: none
};

// How plugin_args.c spells this plugin's arguments.
const hp_args_dialect ClangDialect = {"-fplugin-arg-hotpath-", "IR instructions", DefaultMinSize};

// Where include= selected functions are, for the IR pass's verbose remarks
// (hotpath::remarkSize): set for the unit being compiled.
struct SizeRemarks {
  DiagnosticsEngine *Diags = nullptr;
  std::map<std::string, SourceLocation> Where; // by encoded site
};
SizeRemarks Remarks;

// What an annotation on a function asks for.
struct Request {
  bool Measure = false, Main = false;
  std::string Label, Percentiles;
  unsigned Flags = 0;  // what the options of hotpath::main ask for
  unsigned Sample = 0; // "sample=N" of a measure tag; 0: none
};

// Checks annotate("hotpath"...) attributes and picks the functions to measure.
class Selector : public RecursiveASTVisitor<Selector> {
public:
  Selector(CompilerInstance &CI, const Options &O)
      : Ctx(CI.getASTContext()), SM(CI.getSourceManager()),
        Diags(CI.getDiagnostics()), Opts(O) {}

  bool VisitDecl(Decl *D) {
    for (const auto *A : D->specific_attrs<AnnotateAttr>())
      checkUserAnnotation(D, A);
    return true;
  }

  bool VisitAttributedStmt(AttributedStmt *S) {
    for (const Attr *A : S->getAttrs())
      if (const auto *AA = dyn_cast<AnnotateAttr>(A))
        if (isUserTag(AA->getAnnotation()))
          hotpath::reportError(Diags, AA->getLocation(),
                               "'annotate(\"%0\")' only applies to functions, not to statements",
                               AA->getAnnotation());
    return true;
  }

  // A lambda has no name of its own to report: like the GCC plugin, the
  // plugin measures named functions only.
  bool VisitLambdaExpr(LambdaExpr *E) {
    if (const CXXMethodDecl *Op = E->getCallOperator())
      for (const auto *A : Op->specific_attrs<AnnotateAttr>())
        if (isUserTag(A->getAnnotation()) && Checked.insert(A).second)
          hotpath::reportError(Diags, A->getLocation(),
                               "'annotate(\"%0\")' only applies to named functions, not to "
                               "lambdas",
                               A->getAnnotation());
    return true;
  }

  // How many functions this unit measures.
  unsigned selected() const { return Selected; }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && !FD->isDependentContext() &&
        Done.insert(FD).second)
      select(FD);
    else if (!FD->doesThisDeclarationHaveABody() && !FD->isTemplated() && hasOwnTag(FD) &&
             SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
      Declared.push_back(FD);
    return true;
  }

  // A tag on a declaration written in the main file, whose function has no
  // definition in the unit, measures nothing here; nor in the unit that has
  // the definition, which cannot see this file. (A header's tagged
  // declaration is left alone: the defining unit may include it too.)
  void warnUndefined() {
    llvm::DenseSet<const FunctionDecl *> Warned;
    for (const FunctionDecl *FD : Declared) {
      if (FD->isDefined() || !Warned.insert(FD->getCanonicalDecl()).second)
        continue;
      unsigned ID = Diags.getCustomDiagID(
          DiagnosticsEngine::Warning,
          "'%0' is tagged but not defined in this unit, so it is not measured: a tag counts "
          "only in the unit that compiles the definition (tag the definition, or a "
          "declaration in a header that unit includes)");
      Diags.Report(FD->getLocation(), ID) << FD->getQualifiedNameAsString();
    }
  }

private:
  static bool isUserTag(llvm::StringRef S) { return S == "hotpath" || S == "hotpath::main"; }

  // Whether a tag is written on this declaration (not inherited).
  static bool hasOwnTag(const FunctionDecl *FD) {
    for (const auto *A : FD->specific_attrs<AnnotateAttr>())
      if (!A->isInherited() &&
          (isUserTag(A->getAnnotation()) || hp::startsWith(A->getAnnotation(), hotpath::AttrTag)))
        return true;
    return false;
  }

  // A C++20 coroutine: LLVM's CoroSplit later cuts its body into a ramp,
  // a resume and a destroy function, and the calls placed before the split
  // do not survive it (the IR pass leaves such functions alone).
  static bool isCoroutine(const FunctionDecl *FD) {
    return isa_and_nonnull<CoroutineBodyStmt>(FD->getBody());
  }

  // Diagnoses a misused annotate("hotpath"...) where it is written.
  void checkUserAnnotation(const Decl *D, const AnnotateAttr *A) {
    llvm::StringRef Tag = A->getAnnotation();
    if (!isUserTag(Tag) || A->isInherited() || !Checked.insert(A).second)
      return;
    if (!isa<FunctionDecl>(D)) {
      hotpath::reportError(Diags, A->getLocation(),
                           "'annotate(\"%0\")' only applies to functions, not to " +
                               hotpath::whatItIs(D),
                           Tag);
      return;
    }
    Request R;
    readUserAnnotation(A, R, /*Diagnose=*/true);
  }

  // Reads annotate("hotpath"[, label]) or annotate("hotpath::main"[, p...]).
  bool readUserAnnotation(const AnnotateAttr *A, Request &R, bool Diagnose) {
    llvm::StringRef Tag = A->getAnnotation();
    bool IsMain = Tag == "hotpath::main";
    unsigned I = 0, Percentiles = 0;
    for (const Expr *E : A->args()) {
      ++I;
      if (E->isValueDependent())
        return false;
      const auto *SL = dyn_cast<StringLiteral>(E->IgnoreParenImpCasts());
      // an option is a narrow string (a wide one is no option, nor a number)
      bool Option = SL && SL->getCharByteWidth() == 1;
      if (!IsMain) {
        if (!readMeasureArg(E, *A->args_begin(), SL, Option, R, Diagnose))
          return false;
        continue;
      }
      if (Option && isSampleOption(E, SL->getString(), "annotate(\"hotpath::main\")", true,
                                   R, Diagnose))
        return false;
      if (Option) {
        unsigned F = hotpath::mainOptionFlags(SL->getString());
        if (!F) {
          if (Diagnose)
            hotpath::reportUnknownMainOption(Diags, E->getExprLoc(), SL->getString(),
                                             "annotate(\"hotpath::main\")");
          return false;
        }
        R.Flags |= F;
        continue;
      }
      double P;
      if (isa<StringLiteral>(E->IgnoreParenImpCasts()) || !hotpath::evaluateNumber(E, Ctx, P)) {
        if (Diagnose)
          hotpath::reportError(Diags, E->getExprLoc(),
                               "percentile given to 'annotate(\"hotpath::main\")' is not a "
                               "number");
        return false;
      }
      if (++Percentiles > hotpath::MaxPercentiles) {
        if (Diagnose)
          hotpath::reportTooManyPercentiles(Diags, E->getExprLoc(),
                                            "annotate(\"hotpath::main\")");
        return false;
      }
      if (!(P >= 0 && P <= 100)) {
        if (Diagnose)
          hotpath::reportError(Diags, E->getExprLoc(),
                               "percentile '" + hotpath::formatPercentile(P) +
                                   "' given to 'annotate(\"hotpath::main\")' is outside 0-100");
        return false;
      }
      if (!R.Percentiles.empty())
        R.Percentiles += ',';
      R.Percentiles += hotpath::formatPercentile(P);
    }
    (IsMain ? R.Main : R.Measure) = true;
    return true;
  }

  // Whether Text is a "sample=N" option; a bad one (or any on a main) is
  // an error at E's location, and sets Bad.
  bool isSampleOption(const Expr *E, llvm::StringRef Text, const char *Spelling, bool OnMain,
                      Request &R, bool Diagnose, bool *Bad = nullptr) {
    std::string T = Text.str();
    char Msg[512];
    unsigned N = 0;
    hp_args_status St = hp_args_sample_option(T.c_str(), Spelling, OnMain, &N, Msg, sizeof Msg);
    if (St == HP_ARGS_OK && R.Sample)
      St = hp_args_message(HP_ARGS_SAMPLE_TWICE, Spelling, nullptr, nullptr, Msg, sizeof Msg);
    if (St == HP_ARGS_NOT_SAMPLE)
      return false;
    if (St == HP_ARGS_OK) {
      R.Sample = N;
    } else {
      if (Diagnose)
        hotpath::reportError(Diags, E->getExprLoc(), "%0", Msg);
      if (Bad)
        *Bad = true;
    }
    return true;
  }

  // One argument of annotate("hotpath", ...): a label or a "sample=N",
  // each at most once, in either order. False after an error.
  bool readMeasureArg(const Expr *E, const Expr *First, const StringLiteral *SL, bool Option,
                      Request &R, bool Diagnose) {
    bool Bad = false;
    if (Option &&
        isSampleOption(E, SL->getString(), "annotate(\"hotpath\")", false, R, Diagnose, &Bad))
      return !Bad;
    if (Option && First != E && hotpath::mainOptionFlags(SL->getString())) {
      if (Diagnose)
        hotpath::reportOptionOnMeasure(Diags, E->getExprLoc(), SL->getString(),
                                       "annotate(\"hotpath::main\")", "annotate(\"hotpath\")");
      return false;
    }
    if (!R.Label.empty()) {
      if (Diagnose)
        hotpath::reportError(Diags, E->getExprLoc(),
                             "'annotate(\"hotpath\")' takes at most one label and one "
                             "\"sample=N\"");
      return false;
    }
    if (!SL) {
      if (Diagnose)
        hotpath::reportError(Diags, E->getExprLoc(),
                             "label given to 'annotate(\"hotpath\")' must be a string "
                             "literal");
      return false;
    }
    if (!Option || SL->getString().empty()) {
      if (Diagnose)
        hotpath::reportLabelProblem(Diags, E->getExprLoc(), "annotate(\"hotpath\")", !Option);
      return false;
    }
    R.Label = SL->getString().str();
    return true;
  }

  // Reads the annotation a [[hotpath::...]] attribute left (attributes.cpp).
  static void readAttrAnnotation(llvm::StringRef S, Request &R) {
    llvm::SmallVector<llvm::StringRef, 3> F;
    S.split(F, hotpath::FieldSep, 2);
    if (F.size() != 3)
      return;
    if (F[1] == "main") {
      R.Main = true;
      auto [Percentiles, Flags] = F[2].split(hotpath::FieldSep);
      R.Percentiles = Percentiles.str();
      unsigned N = 0;
      if (!Flags.getAsInteger(10, N))
        R.Flags |= N;
    } else {
      R.Measure = true;
      auto [Label, Sample] = F[2].split(hotpath::FieldSep);
      R.Label = Label.str();
      unsigned N = 0;
      if (!Sample.getAsInteger(10, N) && N)
        R.Sample = N;
    }
  }

  // The runtime's own functions (hotpath_*) and those of hotpath.h's C++
  // helpers (namespace hotpath) are never measured.
  static bool isRuntimeFunction(const FunctionDecl *FD) {
    const IdentifierInfo *II = FD->getIdentifier();
    if (II && hp::startsWith(II->getName(), "hotpath_"))
      return true;
    const NamespaceDecl *Outer = nullptr;
    for (const DeclContext *DC = FD->getDeclContext(); DC; DC = DC->getParent())
      if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
        Outer = NS;
    return Outer && Outer->getIdentifier() && Outer->getName() == "hotpath";
  }

  bool selectedByRegex(const FunctionDecl *FD, const std::string &Name) {
    if (!Opts.Include || !Opts.Include->match(Name))
      return false;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
      if (MD->getParent()->isLambda())
        return false;
    if (FD->isImplicit() || FD->hasAttr<NoInstrumentFunctionAttr>() ||
        SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation())))
      return false;
    return true;
  }

  void select(FunctionDecl *FD) {
    Request R;
    for (const auto *A : FD->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef S = A->getAnnotation();
      if (hp::startsWith(S, hotpath::SiteTag))
        return; // already selected
      if (isUserTag(S))
        readUserAnnotation(A, R, /*Diagnose=*/false);
      else if (hp::startsWith(S, hotpath::AttrTag))
        readAttrAnnotation(S, R);
    }
    if (FD->hasAttr<NakedAttr>())
      return;
    if (isRuntimeFunction(FD))
      return;
    std::string Name = hotpath::reportName(FD, SM);
    if (!R.Main) {
      if (!R.Measure && !selectedByRegex(FD, Name))
        return;
      if (Opts.Exclude && Opts.Exclude->match(Name))
        return;
    }
    if (isCoroutine(FD)) {
      if (R.Measure || R.Main) {
        unsigned ID = Diags.getCustomDiagID(
            DiagnosticsEngine::Warning,
            "hotpath: '%0' is a C++20 coroutine, which the Clang plugin does not measure "
            "(LLVM splits its body into ramp, resume and destroy functions); the functions "
            "it calls can be measured");
        Diags.Report(FD->getLocation(), ID) << Name;
      } else if (Opts.Verbose) {
        unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Remark,
                                            "hotpath: not measuring '%0': a C++20 coroutine");
        Diags.Report(FD->getLocation(), ID) << Name;
      }
      return;
    }
    if (R.Main && !checkSingleMain(FD))
      return;

    hotpath::Site Site;
    Site.Kind = R.Main ? hotpath::KindMain : hotpath::KindFunction;
    Site.Name = R.Label.empty() ? Name : R.Label;
    Site.File = hotpath::declFile(FD, SM);
    Site.Line = hotpath::declLine(FD, SM);
    Site.Percentiles = R.Main ? R.Percentiles : "";
    // A function's own "sample=N", else the plugin's sample=N, in bits
    // 16..31 (the sampling contract; main sites are never sampled), and
    // whether include= selected it (bit 0: the adaptive mode's default).
    bool ByInclude = !R.Main && !R.Measure;
    unsigned Sample = R.Main ? 0 : R.Sample ? R.Sample : Opts.Sample;
    Site.Flags = R.Main ? R.Flags
                        : Sample << HP_ARGS_SAMPLE_SHIFT | (ByInclude ? HP_ARGS_FLAG_SELECTED : 0u);
    Site.MinSize = ByInclude ? Opts.MinSize : 0;
    // On every declaration: Clang 19 emits the annotations of whichever
    // declaration its first use named, which may be a prototype.
    std::string Tag = hotpath::encodeSite(Site);
    for (FunctionDecl *Redecl : FD->redecls())
      Redecl->addAttr(AnnotateAttr::CreateImplicit(Ctx, Tag, nullptr, 0, FD->getLocation()));
    rememberStructorVariants(FD, Site);
    ++Selected;
    if (Opts.Verbose && Site.MinSize) {
      // the IR pass says whether it is measured, once it knows the size
      Remarks.Diags = &Diags;
      Remarks.Where[Tag] = FD->getLocation();
    } else if (Opts.Verbose) {
      unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Remark, "hotpath: %0 '%1'%2");
      Diags.Report(FD->getLocation(), ID)
          << (R.Main ? "main window" : "measuring") << Site.Name
          << (R.Main && !R.Percentiles.empty() ? " (percentiles " + R.Percentiles + ")"
                                               : std::string()) +
                 (!R.Main                                    ? ""
                  : Site.Flags & hotpath::FlagAllocCumulative ? " (allocations: cumulative)"
                  : Site.Flags & hotpath::FlagAlloc           ? " (allocations: exclusive)"
                                                              : "") +
                 (Sample > 1    ? " (timing 1 call in " + std::to_string(Sample) + ")"
                  : Sample == 1 ? std::string(" (timing every call: sample=1)")
                                : std::string());
    }
  }

  std::string mangle(GlobalDecl GD) {
    if (!Mangler)
      Mangler.reset(Ctx.createMangleContext());
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    Mangler->mangleName(GD, OS);
    return OS.str();
  }

  // The symbols of a constructor's or destructor's variants (Itanium ABI),
  // and which of them only call another variant (see CodeGen's
  // EmitConstructorBody and EmitDestructorBody).
  void rememberStructorVariants(const FunctionDecl *FD, const hotpath::Site &Site) {
    if (const auto *CD = dyn_cast<CXXConstructorDecl>(FD)) {
      bool Delegates = CD->getParent()->getNumVBases() == 0 &&
                       !CD->getType()->castAs<FunctionProtoType>()->isVariadic() &&
                       !CD->isDelegatingConstructor();
      hotpath::rememberSite({mangle(GlobalDecl(CD, Ctor_Complete)), Site, Delegates});
      hotpath::rememberSite({mangle(GlobalDecl(CD, Ctor_Base)), Site, false});
    } else if (const auto *DD = dyn_cast<CXXDestructorDecl>(FD)) {
      bool TryBody = isa_and_nonnull<CXXTryStmt>(DD->getBody());
      hotpath::rememberSite({mangle(GlobalDecl(DD, Dtor_Deleting)), Site, true});
      hotpath::rememberSite({mangle(GlobalDecl(DD, Dtor_Complete)), Site, !TryBody});
      hotpath::rememberSite({mangle(GlobalDecl(DD, Dtor_Base)), Site, false});
    }
  }

  // One hotpath::main per unit (instantiations of one template count once).
  bool checkSingleMain(const FunctionDecl *FD) {
    const FunctionDecl *Key = FD->getTemplateInstantiationPattern();
    Key = (Key ? Key : FD)->getCanonicalDecl();
    if (!MainDecl) {
      MainDecl = Key;
      MainLoc = FD->getLocation();
      return true;
    }
    if (MainDecl == Key)
      return true;
    hotpath::reportError(Diags, FD->getLocation(),
                         "'hotpath::main' given to '%0', but this unit already has one",
                         FD->getQualifiedNameAsString());
    hotpath::reportNote(Diags, MainLoc, "the first 'hotpath::main' is here");
    return false;
  }

  ASTContext &Ctx;
  SourceManager &SM;
  DiagnosticsEngine &Diags;
  const Options &Opts;
  llvm::DenseSet<const FunctionDecl *> Done;
  llvm::DenseSet<const Attr *> Checked;
  std::vector<const FunctionDecl *> Declared; // see warnUndefined
  std::unique_ptr<MangleContext> Mangler;
  const FunctionDecl *MainDecl = nullptr;
  SourceLocation MainLoc;
  unsigned Selected = 0;
};

class HotpathConsumer : public ASTConsumer {
public:
  HotpathConsumer(CompilerInstance &CI, Options O) : Opts(std::move(O)), CI(CI) {}
  // After the code generator (and so the IR pass) is done with the unit.
  ~HotpathConsumer() override {
    hotpath::instrumentWithoutPipeline(false);
    Remarks = SizeRemarks();
  }

  bool HandleTopLevelDecl(DeclGroupRef DG) override {
    if (!V)
      V = std::make_unique<Selector>(CI, Opts);
    for (Decl *D : DG)
      V->TraverseDecl(D);
    return true;
  }

  // -disable-llvm-passes straight to an object or assembly file runs no IR
  // pass at all (not even the bitcode writer the -save-temps route uses):
  // say so rather than leave the functions silently unmeasured.
  void HandleTranslationUnit(ASTContext &) override {
    if (V && !CI.getDiagnostics().hasErrorOccurred())
      V->warnUndefined();
    frontend::ActionKind Act = CI.getFrontendOpts().ProgramAction;
    if (!V || !V->selected() || !CI.getCodeGenOpts().DisableLLVMPasses ||
        (Act != frontend::EmitObj && Act != frontend::EmitAssembly))
      return;
    DiagnosticsEngine &D = CI.getDiagnostics();
    unsigned ID = D.getCustomDiagID(
        DiagnosticsEngine::Warning,
        "hotpath: %0 tagged function(s) of this unit are not measured: with "
        "-disable-llvm-passes no IR pass runs before an object or assembly file is "
        "written (emit bitcode or IR instead, as -save-temps does, or drop the option)");
    D.Report(ID) << V->selected();
  }

private:
  Options Opts;
  CompilerInstance &CI;
  std::unique_ptr<Selector> V; // made once the ASTContext exists
};

// -U__HOTPATH__ on the command line wins over the plugin.
bool undefinedOnCommandLine(const Preprocessor &PP) {
  bool Undef = false;
  for (const auto &M : PP.getPreprocessorOpts().Macros)
    if (llvm::StringRef(M.first).split('=').first == "__HOTPATH__")
      Undef = M.second;
  return Undef;
}

// `#pragma hotpath plugin` defines __HOTPATH__ when the plugin is loaded.
// Pragma handlers are the one part of a plugin that also runs under -E
// (and so in the first step of -save-temps, or of ccache and distcc), where
// no frontend action of the plugin does: a header that says the pragma
// (guarded by __clang__ and -Wunknown-pragmas) sees __HOTPATH__ there too.
class HotpathPragma : public PragmaHandler {
public:
  HotpathPragma() : PragmaHandler("hotpath") {}
  void HandlePragma(Preprocessor &PP, PragmaIntroducer, Token &Tok) override {
    SourceLocation Loc = Tok.getLocation();
    while (Tok.isNot(tok::eod))
      PP.Lex(Tok);
    IdentifierInfo *II = PP.getIdentifierInfo("__HOTPATH__");
    if (PP.isMacroDefined(II) || undefinedOnCommandLine(PP))
      return;
    MacroInfo *MI = PP.AllocateMacroInfo(Loc);
    Token One;
    One.startToken();
    One.setKind(tok::numeric_constant);
    PP.CreateString("1", One);
    hp::setMacroBody(PP, MI, One);
    PP.appendDefMacroDirective(II, MI);
  }
};

class HotpathAction : public PluginASTAction {
public:
  // plugin-common/plugin_args.c parses them, as it does for the GCC
  // plugin: one set of messages for both. The regular expressions are
  // compiled here (llvm::Regex, the syntax the IR names are matched with).
  bool ParseArgs(const CompilerInstance &CI, const std::vector<std::string> &Args) override {
    DiagnosticsEngine &D = CI.getDiagnostics();
    bool Ok = true;
    hp_plugin_args A;
    hp_args_init(&A, &ClangDialect);
    char Msg[1024];
    for (const std::string &Word : Args)
      if (hp_args_parse_word(&A, &ClangDialect, Word.c_str(), Msg, sizeof Msg) != HP_ARGS_OK) {
        hotpath::reportError(D, {}, "%0", Msg);
        Ok = false;
      }
    Opts.Verbose = A.verbose;
    Opts.MinSize = (unsigned)A.min_size;
    Opts.Sample = A.sample;
    for (auto [Key, Value, Out] : {std::tuple<const char *, const char *, std::shared_ptr<llvm::Regex> *>{
                                       "include", A.include, &Opts.Include},
                                   {"exclude", A.exclude, &Opts.Exclude}}) {
      if (!Value)
        continue;
      auto R = std::make_shared<llvm::Regex>(Value);
      std::string Err;
      if (!R->isValid(Err)) {
        hp_args_bad_regex(&ClangDialect, Key, Value, Err.c_str(), Msg, sizeof Msg);
        hotpath::reportError(D, {}, "%0", Msg);
        Ok = false;
        continue;
      }
      *Out = std::move(R);
    }
    return Ok;
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, llvm::StringRef) override {
    hotpath::takeRememberedSites(); // a previous unit that never reached codegen
    Preprocessor &PP = CI.getPreprocessor();
    if (!undefinedOnCommandLine(PP))
      PP.setPredefines(PP.getPredefines() + "#ifndef __HOTPATH__\n#define __HOTPATH__ 1\n#endif\n");
    std::string Self = hotpath::ownPath();
    std::vector<std::string> &Plugins = CI.getCodeGenOpts().PassPlugins;
    if (!Self.empty() && llvm::find(Plugins, Self) == Plugins.end())
      Plugins.push_back(Self);
    hotpath::instrumentWithoutPipeline(CI.getCodeGenOpts().DisableLLVMPasses);
    return std::make_unique<HotpathConsumer>(CI, Opts);
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

private:
  Options Opts;
};

} // namespace

void hotpath::remarkSize(const Site &S, bool Measured, unsigned Size) {
  auto It = Remarks.Where.find(encodeSite(S));
  if (!Remarks.Diags || It == Remarks.Where.end())
    return;
  DiagnosticsEngine &D = *Remarks.Diags;
  if (Measured) {
    unsigned Sample = S.Flags >> HP_ARGS_SAMPLE_SHIFT;
    unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Remark, "hotpath: measuring '%0'%1");
    D.Report(It->second, ID) << S.Name
                             << (Sample > 1    ? " (timing 1 call in " + std::to_string(Sample) + ")"
                                 : Sample == 1 ? std::string(" (timing every call: sample=1)")
                                               : std::string());
  } else {
    unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Remark,
                                    "hotpath: not measuring '%0': a leaf function without "
                                    "loops of %1 IR instructions, below 'min-size=%2'");
    D.Report(It->second, ID) << S.Name << Size << S.MinSize;
  }
  Remarks.Where.erase(It); // once per function (its constructor variants share a site)
}

static FrontendPluginRegistry::Add<HotpathAction> X("hotpath", "measure functions with hotpath");
static PragmaHandlerRegistry::Add<HotpathPragma> Y("hotpath", "defines __HOTPATH__");
