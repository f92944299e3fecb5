// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { SummarizationPropertyResult as _speechkit_stt_v3_SummarizationPropertyResult, SummarizationPropertyResult__Output as _speechkit_stt_v3_SummarizationPropertyResult__Output } from '../../../speechkit/stt/v3/SummarizationPropertyResult.js';
import type { ContentUsage as _speechkit_stt_v3_ContentUsage, ContentUsage__Output as _speechkit_stt_v3_ContentUsage__Output } from '../../../speechkit/stt/v3/ContentUsage.js';

export interface Summarization {
  'results'?: (_speechkit_stt_v3_SummarizationPropertyResult)[];
  'content_usage'?: (_speechkit_stt_v3_ContentUsage | null);
}

export interface Summarization__Output {
  'results': (_speechkit_stt_v3_SummarizationPropertyResult__Output)[];
  'content_usage': (_speechkit_stt_v3_ContentUsage__Output | null);
}
