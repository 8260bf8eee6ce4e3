// The Vercel AI SDK with its Ollama provider (ollama-ai-provider-v2) against shim. Run by
// tests/clients/test_vercel_ai_sdk.py, which starts shim on the LM Studio double, scripts the
// double for SCENARIO and sets SHIM_URL: "text" (the double's "Hello!"), "tools" (get_weather for
// Paris, then for Tokyo) or "object" (a JSON answer).
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { embedMany, generateText, jsonSchema, Output, streamText, tool } from 'ai'
import { createOllama } from 'ollama-ai-provider-v2'

const SHIM_URL = process.env.SHIM_URL
if (!SHIM_URL) {
  throw new Error('SHIM_URL is not set: run these tests through tests/clients/test_vercel_ai_sdk.py')
}
const SCENARIO = process.env.SCENARIO
const MODEL = 'qwen3.6-35b-a3b-mtp'
const EMBEDDER = 'text-embedding-nomic-embed-text-v1.5'
const ollama = createOllama({ baseURL: `${SHIM_URL}/api` })
const CITY = jsonSchema({
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
})
const weather = { getWeather: tool({ description: 'Weather in a city', inputSchema: CITY }) }

function scenarioTest(scenario, name, fn) {
  test(name, { skip: scenario === SCENARIO ? false : `runs only with SCENARIO=${scenario}` }, fn)
}

scenarioTest('text', 'generateText returns the text and the usage', async () => {
  const result = await generateText({ model: ollama(MODEL), prompt: 'hello' })
  assert.equal(result.text, 'Hello!')
  assert.equal(result.finishReason, 'stop')
  assert.equal(result.usage.inputTokens, 12)
  assert.equal(result.usage.outputTokens, 4)
})

scenarioTest('text', 'streamText streams the text piece by piece', async () => {
  const result = streamText({ model: ollama(MODEL), prompt: 'hello' })
  const pieces = []
  for await (const piece of result.textStream) pieces.push(piece)
  assert.deepEqual(pieces, ['Hello', '!'])
  assert.equal(await result.finishReason, 'stop')
})

scenarioTest('text', 'embedMany returns one vector per input and a token count', async () => {
  const { embeddings, usage } = await embedMany({
    model: ollama.embedding(EMBEDDER),
    values: ['the quick fox', 'jumps'],
  })
  assert.deepEqual(
    embeddings.map((vector) => vector.length),
    [8, 8],
  )
  assert.ok(usage.tokens > 0, `a positive prompt token count, got ${usage.tokens}`)
})

scenarioTest('tools', 'generateText returns every tool call with its input', async () => {
  const result = await generateText({ model: ollama(MODEL), prompt: 'weather?', tools: weather })
  assert.deepEqual(
    result.toolCalls.map((call) => [call.toolName, call.input]),
    [
      ['getWeather', { city: 'Paris' }],
      ['getWeather', { city: 'Tokyo' }],
    ],
  )
})

scenarioTest('tools', 'streamText streams every tool call', async () => {
  const result = streamText({ model: ollama(MODEL), prompt: 'weather?', tools: weather })
  const calls = await result.toolCalls
  assert.deepEqual(
    calls.map((call) => call.input.city),
    ['Paris', 'Tokyo'],
  )
})

scenarioTest('object', 'structured output is parsed against the schema', async () => {
  const result = await generateText({
    model: ollama(MODEL),
    prompt: 'where?',
    output: Output.object({ schema: CITY }),
  })
  assert.deepEqual(result.output, { city: 'Paris' })
})
