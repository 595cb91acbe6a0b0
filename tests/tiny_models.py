"""Build tiny random models on disk, in the same layouts the real ones have, so that tests can load
them through the product's own loading code (transcribe.hub.resolve + faster-whisper / pyannote /
transformers) without any network.

Random weights produce garbage text, labels and speaker turns: tests that use these models assert
structure and invariants (types, ranges, ordering, which backend ran), never content.

    build_tiny_whisper(root)      -> CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json, ...)
    build_tiny_sentiment(folder)  -> transformers text-classification folder (negative/neutral/positive)
    build_tiny_pyannote(folder)   -> pyannote.audio 4 SpeakerDiarization folder (config.yaml + models + plda)
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

SAMPLE_RATE = 16000

# Words used to train the tiny tokenizers (English and Vietnamese with diacritics).
CORPUS = [
    "hello thank you for calling how can i help you today", "my order is late and i want a refund",
    "please hold while i check your account", "the problem has been resolved thank you",
    "i am sorry for the trouble", "this is terrible the agent was rude", "great service very helpful",
    "xin chào cảm ơn anh chị đã gọi tổng đài", "đơn hàng của tôi bị trễ tôi muốn hoàn tiền",
    "vui lòng chờ trong giây lát", "vấn đề đã được giải quyết cảm ơn anh", "em xin lỗi anh chị",
    "dịch vụ rất tốt", "nhân viên thô lỗ tôi rất tức giận",
]


# --------------------------------------------------------------------------------------------------
# Whisper (faster-whisper / CTranslate2)
# --------------------------------------------------------------------------------------------------
# Vocabulary layout of OpenAI's multilingual Whisper (51,865 ids). CTranslate2 derives the number of
# languages from the special-token positions and treats the model as multilingual only when the
# vocabulary holds the empty token "" (id 50256); faster-whisper looks special tokens up by name.
N_TEXT = 50257            # 0..50255 text tokens, 50256 ""
EOT = 50257               # <|endoftext|>
SOT = 50258               # <|startoftranscript|>
FIRST_LANG = 50259        # 99 language tokens
TRANSLATE, TRANSCRIBE = 50358, 50359
NO_TIMESTAMPS = 50363
VOCAB_SIZE = 51865        # + 1501 timestamp tokens <|0.00|>..<|30.00|>


def _whisper_tokenizer():
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    langs = list(LANGUAGES)[:99]  # non-v3 order; "yue" (the 100th) exists only in large-v3
    assert langs[0] == "en" and "vi" in langs
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.train_from_iterator(CORPUS * 20, trainers.BpeTrainer(
        vocab_size=600, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    state = json.loads(bpe.to_str())["model"]
    vocab = dict(state["vocab"])
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in state["merges"]]
    i = 0
    while len(vocab) < N_TEXT - 1:  # filler text tokens up to the real layout's size
        vocab.setdefault(f"Ġw{i}", len(vocab))
        i += 1
    vocab[""] = N_TEXT - 1  # CTranslate2 >= 4.7: the multilingual marker (else language="vi" becomes "en")
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = (["<|endoftext|>", "<|startoftranscript|>"] + [f"<|{lang}|>" for lang in langs]
                + ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>",
                   "<|notimestamps|>"])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    tok.add_tokens([AddedToken("<|%.2f|>" % (k * 0.02), special=False, normalized=False) for k in range(1501)])
    assert tok.token_to_id("<|endoftext|>") == EOT
    assert tok.token_to_id("<|vi|>") == FIRST_LANG + langs.index("vi")
    assert tok.token_to_id("<|notimestamps|>") == NO_TIMESTAMPS
    assert tok.get_vocab_size() == VOCAB_SIZE, tok.get_vocab_size()
    return tok, langs


WHISPER_SIZES = {  # (d_model, layers, heads, ffn): "tiny" for tests; the others are OpenAI's sizes (benchmarks)
    "test": (64, 2, 2, 128), "tiny": (384, 4, 6, 1536), "small": (768, 12, 12, 3072),
    "large-v3-turbo": (1280, 32, 20, 5120),
}


def build_tiny_whisper(root: str | os.PathLike, quantization: str = "int8", size: str = "test") -> str:
    """Build a tiny random multilingual Whisper under `root` and convert it with CTranslate2.

    `size` picks real Whisper dimensions with random weights (benchmarks): see WHISPER_SIZES
    (large-v3-turbo keeps 32 encoder layers and 4 decoder layers).

    Returns the CTranslate2 folder (what `asr.model` points at). The intermediate transformers model
    is kept in `<root>/tiny-whisper-hf`.
    """
    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import (
        PreTrainedTokenizerFast,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
    )

    root = Path(root)
    hf_dir, ct2_dir = root / "tiny-whisper-hf", root / "tiny-whisper-ct2"
    tok, langs = _whisper_tokenizer()
    d_model, layers, heads, ffn = WHISPER_SIZES[size]
    cfg = WhisperConfig(vocab_size=VOCAB_SIZE, num_mel_bins=80, d_model=d_model, encoder_layers=layers,
                        decoder_layers=4 if size == "large-v3-turbo" else layers,
                        encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn,
                        decoder_ffn_dim=ffn, max_source_positions=1500, max_target_positions=448,
                        pad_token_id=EOT, bos_token_id=EOT, eos_token_id=EOT, decoder_start_token_id=SOT,
                        suppress_tokens=[], begin_suppress_tokens=[220, EOT])
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(cfg).eval()
    gc = model.generation_config
    gc.lang_to_id = {f"<|{lang}|>": FIRST_LANG + k for k, lang in enumerate(langs)}
    gc.task_to_id = {"transcribe": TRANSCRIBE, "translate": TRANSLATE}
    gc.is_multilingual = True
    gc.no_timestamps_token_id = NO_TIMESTAMPS
    gc.suppress_tokens = []
    gc.begin_suppress_tokens = [220, EOT]
    gc.alignment_heads = [[1, 0], [1, 1]]
    gc._from_model_config = False  # else transformers 5 drops lang_to_id on reload -> no language ids in CT2
    model.save_pretrained(hf_dir)
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|endoftext|>", eos_token="<|endoftext|>",
                            unk_token="<|endoftext|>", pad_token="<|endoftext|>").save_pretrained(hf_dir)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(hf_dir)  # preprocessor_config.json
    # tokenizer.json must be in the CT2 folder, or faster-whisper tries to download one.
    TransformersConverter(str(hf_dir), copy_files=["tokenizer.json", "preprocessor_config.json"]).convert(
        str(ct2_dir), quantization=quantization, force=True)
    config = json.loads((ct2_dir / "config.json").read_text())
    assert len(config.get("lang_ids") or []) == 99, "CTranslate2 wrote no language ids"
    return str(ct2_dir)


# --------------------------------------------------------------------------------------------------
# Sentiment (transformers text classification)
# --------------------------------------------------------------------------------------------------
SENTIMENT_LABELS = ["negative", "neutral", "positive"]


def build_tiny_sentiment(folder: str | os.PathLike) -> str:
    """Build a tiny random BERT classifier with labels negative/neutral/positive in `folder`.

    The word-level tokenizer keeps diacritics (BERT's default accent stripping would turn Vietnamese
    words into unknown tokens).
    """
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    folder = Path(folder)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {t: i for i, t in enumerate(special)}
    for w in " ".join(CORPUS).split() + list(".,?!"):
        vocab.setdefault(w.lower(), len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])  # no StripAccents
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                     sep_token="[SEP]", mask_token="[MASK]", model_max_length=128)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, num_labels=3,
                     id2label=dict(enumerate(SENTIMENT_LABELS)),
                     label2id={lb: i for i, lb in enumerate(SENTIMENT_LABELS)})
    torch.manual_seed(0)
    model = BertForSequenceClassification(cfg).eval()
    model.save_pretrained(folder)
    hf_tok.save_pretrained(folder)
    return str(folder)


# --------------------------------------------------------------------------------------------------
# pyannote.audio 4 SpeakerDiarization
# --------------------------------------------------------------------------------------------------
def _save_pyannote_checkpoint(model, folder: Path) -> None:
    """A Lightning-style checkpoint that pyannote's Model.from_pretrained() accepts (no Trainer needed)."""
    import lightning
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    ckpt = {"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams),
            "pytorch-lightning_version": lightning.__version__}
    model.on_save_checkpoint(ckpt)  # adds versions / architecture / specifications
    torch.save(ckpt, folder / "pytorch_model.bin")


def build_tiny_pyannote(folder: str | os.PathLike) -> str:
    """Build an offline SpeakerDiarization pipeline folder (layout of speaker-diarization-community-1):
    config.yaml, segmentation/ (PyanNet, powerset 3 speakers, max 2 overlapping), embedding/ (XVectorMFCC,
    far cheaper on CPU than WeSpeaker ResNet34) and plda/ (VBx clustering needs it even for random models).
    """
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")
    warnings.filterwarnings("ignore", message=r"\s*torchcodec is not installed")
    import numpy as np
    import pyannote.audio
    import torch
    import yaml
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import XVectorMFCC
    from pyannote.audio.models.segmentation import PyanNet

    folder = Path(folder)
    torch.manual_seed(0)
    seg = PyanNet(sample_rate=SAMPLE_RATE)
    seg.specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION, resolution=Resolution.FRAME, duration=10.0,
        warm_up=(0.0, 0.0), classes=["speaker#1", "speaker#2", "speaker#3"], powerset_max_classes=2,
        permutation_invariant=True)
    seg.setup()  # builds the task-dependent classifier and powerset activation
    _save_pyannote_checkpoint(seg.eval(), folder / "segmentation")

    emb = XVectorMFCC(sample_rate=SAMPLE_RATE, dimension=128)
    emb.specifications = Specifications(problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=10.0)
    emb.setup()
    _save_pyannote_checkpoint(emb.eval(), folder / "embedding")
    with torch.inference_mode():
        dim = int(emb(torch.randn(1, 1, SAMPLE_RATE)).shape[-1])

    lda_dim = min(128, dim)
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    (folder / "plda").mkdir(parents=True, exist_ok=True)
    np.savez(folder / "plda" / "xvec_transform.npz", mean1=np.zeros(dim), mean2=np.zeros(lda_dim), lda=q[:, :lda_dim])
    np.savez(folder / "plda" / "plda.npz", mu=np.zeros(lda_dim), tr=np.eye(lda_dim),
             psi=np.linspace(10.0, 1.0, lda_dim))

    config = {
        "dependencies": {"pyannote.audio": pyannote.audio.__version__},
        "pipeline": {"name": "pyannote.audio.pipelines.SpeakerDiarization",
                     "params": {"segmentation": "$model/segmentation", "embedding": "$model/embedding",
                                "plda": "$model/plda", "clustering": "VBxClustering",
                                "embedding_exclude_overlap": True, "segmentation_batch_size": 32,
                                "embedding_batch_size": 32}},
        "params": {"segmentation": {"min_duration_off": 0.0},
                   "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8}},
    }
    with open(folder / "config.yaml", "w", encoding="utf-8") as fh:
        yaml.safe_dump(config, fh, sort_keys=False)
    return str(folder)


# Random weights write garbage in random languages with low confidence, which the pipeline rightly sends to
# review (qa.pipeline.recognition). The fast structure tests that score audio with the tiny random Whisper turn
# off these two checks; tests/test_recognition_failure.py tests them with real weights.
RANDOM_MODEL_ASR = {"min_language_probability": 0.0, "low_confidence_share": 1.0}
