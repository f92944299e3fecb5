// Original file: proto/yandex/cloud/ai/stt/v3/stt.proto

import type { DefaultEouClassifier as _speechkit_stt_v3_DefaultEouClassifier, DefaultEouClassifier__Output as _speechkit_stt_v3_DefaultEouClassifier__Output } from '../../../speechkit/stt/v3/DefaultEouClassifier.js';
import type { ExternalEouClassifier as _speechkit_stt_v3_ExternalEouClassifier, ExternalEouClassifier__Output as _speechkit_stt_v3_ExternalEouClassifier__Output } from '../../../speechkit/stt/v3/ExternalEouClassifier.js';

export interface EouClassifierOptions {
  'default_classifier'?: (_speechkit_stt_v3_DefaultEouClassifier | null);
  'external_classifier'?: (_speechkit_stt_v3_ExternalEouClassifier | null);
  'Classifier'?: "default_classifier"|"external_classifier";
}

export interface EouClassifierOptions__Output {
  'default_classifier'?: (_speechkit_stt_v3_DefaultEouClassifier__Output | null);
  'external_classifier'?: (_speechkit_stt_v3_ExternalEouClassifier__Output | null);
  'Classifier'?: "default_classifier"|"external_classifier";
}
