"""Drives ai-orchestrator through the gateway with the official openai SDK, unchanged: only the
base URL and the API key (a platform access token) point it at Azora. Run by
OpenAISDKTests.swift with AZORA_BASE_URL and AZORA_TOKEN set; exits non-zero on any failure."""
import os

import openai
from openai import OpenAI

client = OpenAI(base_url=os.environ["AZORA_BASE_URL"] + "/v1", api_key=os.environ["AZORA_TOKEN"], max_retries=0)
question = [{"role": "user", "content": "Explain recursion to a beginner, in two sentences."}]

models = [model.id for model in client.models.list().data]
assert "tutor-default" in models and "local-small" in models, models

answer = client.chat.completions.create(model="tutor-default", messages=question, temperature=0.7)
text = answer.choices[0].message.content
assert text.startswith("[local model"), text
assert answer.choices[0].finish_reason == "stop", answer
assert answer.usage.prompt_tokens > 0 and answer.usage.completion_tokens > 0, answer.usage

# Streamed chunk by chunk; the same deterministic answer, and the usage at the end when asked.
pieces, usage, chunks = [], None, 0
for chunk in client.chat.completions.create(model="tutor-default", messages=question, temperature=0.7, stream=True,
                                            stream_options={"include_usage": True}):
    chunks += 1
    if chunk.choices:
        pieces.append(chunk.choices[0].delta.content or "")
    if chunk.usage:
        usage = chunk.usage
assert chunks > 2, chunks
assert "".join(pieces) == text, ("".join(pieces), text)
assert usage is not None and usage.completion_tokens > 0, usage

vectors = client.embeddings.create(model="local-small", input=["a tutor", "a tutor", "something else"])
assert len(vectors.data) == 3 and vectors.data[0].embedding == vectors.data[1].embedding
assert vectors.data[0].embedding != vectors.data[2].embedding

try:
    client.chat.completions.create(model="no-such-model", messages=question)
    raise AssertionError("an unknown model was accepted")
except openai.NotFoundError as error:
    assert "no-such-model" in str(error), error

try:
    client.chat.completions.create(model="tutor-default", messages=[])
    raise AssertionError("an empty conversation was accepted")
except openai.BadRequestError as error:
    assert error.status_code in (400, 422) and "messages" in str(error), error
except openai.UnprocessableEntityError as error:
    assert "messages" in str(error), error

try:
    OpenAI(base_url=os.environ["AZORA_BASE_URL"] + "/v1", api_key="not-a-token", max_retries=0).models.list()
    raise AssertionError("a bad key was accepted")
except openai.AuthenticationError:
    pass

print("openai sdk: ok")
