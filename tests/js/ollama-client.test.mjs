// The official `ollama` npm client against shim. Run by tests/integration/test_js_client.py, which
// starts shim on the LM Studio double and sets SHIM_URL. The double is scripted from Python, so
// SCENARIO picks the tests that match its script: unset/"default" (the double's defaults), "tools"
// (a get_weather tool call) or "stream-error" (one content chunk, then an LM Studio error event).
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { Ollama } from 'ollama'

const SHIM_URL = process.env.SHIM_URL
if (!SHIM_URL) {
  throw new Error('SHIM_URL is not set: run these tests through tests/integration/test_js_client.py')
}
const SCENARIO = process.env.SCENARIO || 'default'
const SCENARIOS = ['default', 'tools', 'stream-error']
if (!SCENARIOS.includes(SCENARIO)) {
  throw new Error(`unknown SCENARIO ${JSON.stringify(SCENARIO)}; expected one of ${SCENARIOS}`)
}

const MODEL = 'qwen3.6-35b-a3b-mtp'
const EMBEDDER = 'text-embedding-nomic-embed-text-v1.5'
const HELLO = [{ role: 'user', content: 'hello' }]
const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  },
}

const ollama = new Ollama({ host: SHIM_URL })

/** Registers a test that runs only in `scenario`; elsewhere it shows as skipped. */
function scenarioTest(scenario, name, fn) {
  const skip = scenario === SCENARIO ? false : `runs only with SCENARIO=${scenario}`
  test(name, { skip }, fn)
}

/** Every part of a streamed reply; the client's iterator throws if no done/success part arrives. */
async function collect(iterator) {
  const parts = []
  for await (const part of iterator) {
    parts.push(part)
  }
  return parts
}

const norm = (vector) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0))

// --- default scenario: the double's default behaviour -------------------------------------------

scenarioTest('default', 'list() shows the LM Studio model with its family', async () => {
  const { models } = await ollama.list()
  const qwen = models.find((m) => m.name === `${MODEL}:latest`)
  assert.ok(qwen, `not listed: ${JSON.stringify(models.map((m) => m.name))}`)
  assert.equal(qwen.model, `${MODEL}:latest`)
  assert.equal(qwen.details.family, 'qwen35moe')
  assert.equal(typeof qwen.size, 'number')
  assert.match(qwen.digest, /^[0-9a-f]{64}$/)
})

scenarioTest('default', 'show() has capabilities and model_info', async () => {
  const shown = await ollama.show({ model: MODEL })
  assert.ok(shown.capabilities.includes('tools'), JSON.stringify(shown.capabilities))
  assert.equal(shown.model_info['general.architecture'], 'qwen35moe')
  assert.equal(typeof shown.model_info['qwen35moe.context_length'], 'number')
})

scenarioTest('default', 'ps() lists the loaded model', async () => {
  const { models } = await ollama.ps()
  const names = models.map((m) => m.name)
  assert.ok(names.includes(`${MODEL}:latest`), JSON.stringify(names))
})

scenarioTest('default', 'version() is a dotted version', async () => {
  const { version } = await ollama.version()
  assert.match(version, /^\d+\.\d+\.\d+/)
})

scenarioTest('default', 'streamed chat ends with a done part', async () => {
  const parts = await collect(await ollama.chat({ model: MODEL, messages: HELLO, stream: true }))
  const last = parts.at(-1)
  assert.equal(last.done, true)
  assert.equal(last.done_reason, 'stop')
  assert.ok(parts.slice(0, -1).every((p) => p.done === false))
  assert.equal(parts.map((p) => p.message.content).join(''), 'Hello!')
  assert.ok(parts.every((p) => p.message.role === 'assistant'))
  assert.equal(typeof last.eval_count, 'number')
})

scenarioTest('default', 'chat without streaming', async () => {
  const reply = await ollama.chat({ model: MODEL, messages: HELLO, stream: false })
  assert.equal(reply.done, true)
  assert.equal(reply.done_reason, 'stop')
  assert.deepEqual(
    { role: reply.message.role, content: reply.message.content },
    { role: 'assistant', content: 'Hello!' },
  )
})

scenarioTest('default', 'streamed generate ends with a done part', async () => {
  const parts = await collect(await ollama.generate({ model: MODEL, prompt: 'hi', stream: true }))
  const last = parts.at(-1)
  assert.equal(last.done, true)
  assert.equal(last.done_reason, 'stop')
  assert.equal(parts.map((p) => p.response).join(''), 'Hello!')
})

scenarioTest('default', 'generate without streaming', async () => {
  const reply = await ollama.generate({ model: MODEL, prompt: 'hi' })
  assert.equal(reply.done, true)
  assert.equal(reply.response, 'Hello!')
})

scenarioTest('default', 'embed() gives unit vectors, one per input', async () => {
  const reply = await ollama.embed({ model: EMBEDDER, input: ['a', 'b'] })
  assert.equal(reply.embeddings.length, 2)
  for (const vector of reply.embeddings) {
    assert.ok(vector.length > 0)
    assert.ok(Math.abs(norm(vector) - 1) < 1e-6, `norm ${norm(vector)}`)
  }
  assert.notDeepEqual(reply.embeddings[0], reply.embeddings[1])
})

scenarioTest('default', 'embeddings() gives one vector', async () => {
  const reply = await ollama.embeddings({ model: EMBEDDER, prompt: 'hello world' })
  assert.ok(Array.isArray(reply.embedding))
  assert.ok(reply.embedding.length > 0)
  assert.ok(reply.embedding.every((x) => typeof x === 'number'))
})

scenarioTest('default', 'pull() streams progress to success', async () => {
  const parts = await collect(await ollama.pull({ model: 'ibm/granite-4-micro', stream: true }))
  assert.equal(parts[0].status, 'pulling manifest')
  assert.equal(parts.at(-1).status, 'success')
  const { models } = await ollama.list()
  assert.ok(models.some((m) => m.name === 'ibm/granite-4-micro:latest'))
})

scenarioTest('default', 'pull() without streaming waits for success', async () => {
  const reply = await ollama.pull({ model: 'ibm/granite-4-micro' })
  assert.equal(reply.status, 'success')
})

scenarioTest('default', 'create(), copy() and delete() manage aliases', async () => {
  const created = await collect(
    await ollama.create({ model: 'js-alias', from: MODEL, system: 'x', stream: true }),
  )
  assert.equal(created.at(-1).status, 'success')
  assert.equal((await ollama.show({ model: 'js-alias' })).system, 'x')

  assert.deepEqual(await ollama.copy({ source: 'js-alias', destination: 'js-copy' }), {
    status: 'success',
  })
  let names = (await ollama.list()).models.map((m) => m.name)
  assert.ok(names.includes('js-alias:latest') && names.includes('js-copy:latest'), names)

  // The client sends DELETE /api/delete with {"name": ...} (the deprecated key).
  assert.deepEqual(await ollama.delete({ model: 'js-copy' }), { status: 'success' })
  await ollama.delete({ model: 'js-alias' })
  names = (await ollama.list()).models.map((m) => m.name)
  assert.ok(!names.includes('js-alias:latest') && !names.includes('js-copy:latest'), names)
  await assert.rejects(ollama.delete({ model: 'js-alias' }), /not found/)
})

scenarioTest('default', 'create() without streaming answers success', async () => {
  const reply = await ollama.create({ model: 'js-plain', from: MODEL })
  assert.equal(reply.status, 'success')
})

scenarioTest('default', 'push() rejects, saying it cannot push', async () => {
  await assert.rejects(ollama.push({ model: MODEL, stream: true }), (error) => {
    assert.match(error.message, /push/)
    assert.equal(error.status_code, 501)
    return true
  })
  await assert.rejects(ollama.push({ model: MODEL }), /push/)
})

scenarioTest('default', 'chat with an unknown model rejects with "not found"', async () => {
  for (const stream of [true, false]) {
    await assert.rejects(
      ollama.chat({ model: 'no-such-model', messages: HELLO, stream }),
      (error) => {
        assert.equal(error.name, 'ResponseError')
        assert.equal(error.status_code, 404)
        assert.match(error.message, /not found/)
        return true
      },
    )
  }
})

// --- SCENARIO=tools: the double answers with a get_weather({"city":"Paris"}) call ----------------

scenarioTest('tools', 'streamed chat with tools yields the call with object arguments', async () => {
  const parts = await collect(
    await ollama.chat({ model: MODEL, messages: HELLO, tools: [WEATHER_TOOL], stream: true }),
  )
  assert.equal(parts.at(-1).done, true)
  const calls = parts.flatMap((p) => p.message.tool_calls ?? [])
  assert.equal(calls.length, 1, JSON.stringify(parts))
  assert.equal(calls[0].function.name, 'get_weather')
  assert.deepEqual(calls[0].function.arguments, { city: 'Paris' })
})

scenarioTest('tools', 'chat with tools without streaming yields the call', async () => {
  const reply = await ollama.chat({
    model: MODEL,
    messages: HELLO,
    tools: [WEATHER_TOOL],
    stream: false,
  })
  assert.equal(reply.done, true)
  assert.equal(reply.message.tool_calls.length, 1)
  assert.equal(reply.message.tool_calls[0].function.name, 'get_weather')
  assert.deepEqual(reply.message.tool_calls[0].function.arguments, { city: 'Paris' })
})

// --- SCENARIO=stream-error: "partial", then LM Studio's error event "boom" -----------------------

scenarioTest('stream-error', 'a failure mid-stream makes the iterator throw', async () => {
  const stream = await ollama.chat({ model: MODEL, messages: HELLO, stream: true })
  const seen = []
  await assert.rejects(
    (async () => {
      for await (const part of stream) {
        seen.push(part)
      }
    })(),
    (error) => {
      assert.match(error.message, /boom/)
      assert.doesNotMatch(error.message, /Did not receive done/)
      return true
    },
  )
  assert.equal(seen[0]?.message.content, 'partial')
  assert.ok(seen.every((p) => !p.done), 'no part may claim done before the error')
})

scenarioTest('stream-error', 'the same failure without streaming rejects', async () => {
  await assert.rejects(ollama.chat({ model: MODEL, messages: HELLO, stream: false }), /boom/)
})
