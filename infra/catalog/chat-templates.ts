import type { Source } from "./source";

/**
 * Chat templates for checkpoints whose tokenizer_config.json has none. transformers 4.44 removed the
 * class-level default templates, so vLLM answers /v1/chat/completions for such a checkpoint only when a
 * template is passed with --chat-template. TheBloke's Llama 2 chat quantizations were published in
 * September 2023, before chat templates reached tokenizer configs (transformers 4.34): theirs carry only a
 * prompt template in the model card.
 */
const LLAMA_2_CHAT =
  "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}" +
  "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}" +
  "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}" +
  "{% else %}{% set content = message['content'] %}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}" +
  "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

const LLAMA_2_SOURCE: Source = {
  ref: "chat_template of meta-llama/Llama-2-13b-chat-hf tokenizer_config.json (as quoted in huggingface/text-generation-inference's chat-template tests); TheBloke/Llama-2-13B-chat-AWQ model card: prompt_template only",
  date: "2026-11-25",
};

export interface ChatTemplate {
  readonly template: string;
  readonly source: Source;
}

export const CHAT_TEMPLATES: Readonly<Record<string, ChatTemplate>> = Object.fromEntries(
  ["7B", "13B", "70B"].flatMap((size) =>
    ["AWQ", "GPTQ"].map((format) => [`TheBloke/Llama-2-${size}-chat-${format}`, { template: LLAMA_2_CHAT, source: LLAMA_2_SOURCE }]),
  ),
);

/** Where the pod mounts the template (a ConfigMap) for vLLM's --chat-template. */
export const CHAT_TEMPLATE_PATH = "/etc/hostwise/chat-template.jinja";

export function chatTemplateFor(checkpoint: string): ChatTemplate | undefined {
  return CHAT_TEMPLATES[checkpoint];
}
